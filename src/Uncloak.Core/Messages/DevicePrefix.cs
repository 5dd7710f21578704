using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Reads who is speaking in a driver message, from the text before the message proper:
/// <c>e1000e 0000:00:19.0 eth0:</c> (netdev_*), <c>igb 0000:01:00.0:</c> (dev_*, no interface),
/// <c>e1000e: eth0</c> (old pr_info), <c>igb 0000:01:00.0 eth0: igb: eth0</c> (igb repeats itself),
/// <c>eth0:</c> (netdev without a parent device), <c>[qede_link_update:2540(eth0)]</c> (QLogic qed/qede's DP_* macros:
/// the function names the driver, the parentheses the interface).
/// </summary>
internal readonly ref struct DevicePrefix
{
    public ReadOnlySpan<byte> Driver { get; init; }

    public ReadOnlySpan<byte> Interface { get; init; }

    public static DevicePrefix Parse(ReadOnlySpan<byte> prefix)
    {
        prefix = Tokens.Trim(prefix);
        if (TryQlogic(prefix, out var qlogic))
        {
            return qlogic;
        }
        Span<Range> all = stackalloc Range[16];
        var parts = all;
        int count = 0;
        int i = 0;
        while (i < prefix.Length && count < parts.Length)
        {
            while (i < prefix.Length && prefix[i] == ' ')
            {
                i++;
            }
            int start = i;
            while (i < prefix.Length && prefix[i] != ' ')
            {
                i++;
            }
            if (i > start)
            {
                parts[count++] = new Range(start, i);
            }
        }
        if (count == 0)
        {
            return default;
        }
        // Text that is no kernel framing before the driver (a test harness's "INFO - INFO - [ 6213.959196]", a stamp the
        // framer did not know) must not name the driver or put the bus id in the interface: when the second word is no
        // bus id, the speaker starts at the first "driver bus-id" pair further on.
        if (count >= 3 && !IsBusId(TrimColon(prefix[parts[1]])))
        {
            for (int k = 2; k < count; k++)
            {
                if (IsBusId(TrimColon(prefix[parts[k]])) && IsDriverName(prefix[parts[k - 1]]))
                {
                    parts = parts[(k - 1)..];
                    count -= k - 1;
                    break;
                }
            }
        }
        var p0 = TrimColon(prefix[parts[0]]);
        var p1 = count >= 2 ? TrimColon(prefix[parts[1]]) : default;
        var p2 = count >= 3 ? TrimColon(prefix[parts[2]]) : default;
        if (count >= 2 && IsBusId(p1))
        {
            // netdev_* with a parent, or dev_* on the bus device (then no interface). A driver that repeats its own
            // name after a dev_* prefix ("atl1c 0000:01:00.0: atl1c: eth0") names the interface after that.
            if (count >= 4 && p2.SequenceEqual(p0))
            {
                return new DevicePrefix { Driver = p0, Interface = TrimColon(prefix[parts[3]]) };
            }
            // netdev_* puts a colon right after the interface; a word without one, followed by more, is prose
            // ("rcar-pcie fe000000.pcie: PCIe x4:").
            bool named = count >= 3 && !IsBusId(p2) && (count == 3 || prefix[parts[2]][^1] == ':');
            return new DevicePrefix { Driver = p0, Interface = named ? p2 : default };
        }
        if (count >= 2 && prefix[parts[0]][^1] == ':')
        {
            // "e1000e: eth0" / "e1000: eth0: e1000_clean_tx_irq:" — the module's pr_fmt, then the interface.
            return new DevicePrefix { Driver = p0, Interface = p1 };
        }
        if (count == 1)
        {
            return new DevicePrefix { Interface = p0 };
        }
        // "netdevsim netdevsim1 eni1np1:": driver, an id we do not recognise, the interface (never a bus id).
        var last = TrimColon(prefix[parts[count - 1]]);
        return new DevicePrefix { Driver = count >= 3 ? p0 : default, Interface = IsBusId(last) ? default : last };
    }

    /// <summary><c>[function:line(interface)]</c>, the whole prefix; the driver is the function's first word (qede, qed, bnx2x).</summary>
    private static bool TryQlogic(ReadOnlySpan<byte> prefix, out DevicePrefix device)
    {
        device = default;
        if (prefix.Length < 8 || prefix[0] != '[' || !prefix.EndsWith(")]"u8))
        {
            return false;
        }
        int colon = prefix.IndexOf((byte)':');
        int open = prefix.LastIndexOf((byte)'(');
        if (colon < 2 || open < colon || prefix[1..colon].IndexOfAny((byte)' ', (byte)'[') >= 0 || !AsciiNumber.TryParseInt32(prefix[(colon + 1)..open], out _))
        {
            return false;
        }
        var ifname = prefix[(open + 1)..^2];
        if (ifname.IsEmpty || ifname.IndexOf((byte)' ') >= 0)
        {
            return false;
        }
        int underscore = prefix[1..colon].IndexOf((byte)'_');
        device = new DevicePrefix { Driver = underscore > 0 ? prefix[1..(underscore + 1)] : default, Interface = ifname };
        return true;
    }

    /// <summary>A module name: letters, digits, '_' and '-' (mlxsw_spectrum, mtk_soc_eth, rcar-pcie).</summary>
    private static bool IsDriverName(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter((char)s[0]))
        {
            return false;
        }
        foreach (byte b in s)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != '_' && b != '-')
            {
                return false;
            }
        }
        return true;
    }

    private static ReadOnlySpan<byte> TrimColon(ReadOnlySpan<byte> s) => s.Length > 0 && s[^1] == ':' ? s[..^1] : s;

    /// <summary>
    /// PCI (0000:00:19.0), USB (2-1:1.0), MDIO/PHY (0:01, stmmac-0:01), virtio (virtio0) and platform ids look like this;
    /// interface names in driver messages contain neither ':' nor '.'.
    /// </summary>
    private static bool IsBusId(ReadOnlySpan<byte> s)
        => s.Length >= 3 && s.IndexOf((byte)':') >= 0 || s.Length >= 5 && s.IndexOf((byte)'.') >= 0 || s.StartsWith("virtio"u8);
}
