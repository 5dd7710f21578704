using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Driver link messages with speed, duplex and flow control: Intel e1000/e1000e/igb/igc
/// (<c>NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx</c>), ixgbe (<c>NIC Link is Up 10 Gbps</c>),
/// tg3 (<c>Link is up at 100 Mbps, half duplex</c>), bnx2 (<c>NIC Copper Link is Up, 1000 Mbps full duplex, …</c>),
/// phylib/r8169 (<c>Link is Up - 1Gbps/Full - flow control rx/tx</c>), old r8169 (<c>link up</c>),
/// virtio and others through <c>ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready</c>, the e1000e half-duplex warning,
/// and the wordings harvested from drivers of every era: bnx2x/bnxt_en (<c>NIC Link is Up, 10000 Mbps full duplex,
/// Flow control: ON - receive &amp; transmit</c>), sky2/skge (<c>Link is up at 1000 Mbps, full duplex, flow control
/// both</c>), atl1c/atl1e/atl2 (<c>NIC Link is Up&lt;100 Mbps Full Duplex&gt;</c>), atl1 (<c>eth0 link is up 100 Mbps full
/// duplex</c>), i40e/ice (<c>NIC Link is Up, 25 Gbps Full Duplex, … Flow Control: None</c>), mlx5 (<c>Link up</c>), mlx4
/// (<c>Link Up</c>), generic MII (8139too, via-rhine, e100: <c>link up, 100Mbps, full-duplex, lpa 0x45E1</c>), sfc
/// (<c>link up at 10000Mbps full-duplex</c>), cxgb (<c>link up, 10Gbps, full-duplex, Tx/Rx PAUSE</c>), natsemi and
/// forcedeth (<c>link up.</c>), old phylib (<c>PHY: 0:01 - Link is Up - 100/Full</c>), phylib drivers of 2.6–4.x
/// (macb: <c>link up (1000/Full)</c>), enic (<c>Link UP</c>), qede (<c>[qede_link_update:2540(eth0)]Link is up</c>), ASIX
/// USB (<c>ax88179 - Link status is: 1</c>), tg3/b44's separate <c>Flow control is on for TX and on for RX</c>,
/// octeontx2 (<c>eth0 NIC Link is UP 10000 Mbps Full duplex</c>), ionic (<c>Link up - 100 Gbps</c>), Aquantia atlantic
/// (<c>atlantic: link change old 0 new 10000</c>), alx (<c>NIC Up: 1 Gbps Full</c>) and bonding's port reports.
/// </summary>
public static partial class NicLinkMessage
{
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
    {
        ev = default;
        var head = message[..anchor];
        var s = message[anchor..];
        if (s.StartsWith("link becomes ready"u8))
        {
            // "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready" — the only trace virtio_net leaves.
            int a = head.IndexOf("ADDRCONF(NETDEV_CHANGE): "u8);
            if (a < 0)
            {
                return false;
            }
            var ifname = Tokens.Trim(head[(a + 25)..]);
            if (ifname.IsEmpty || ifname[^1] != ':')
            {
                return false;
            }
            ev = Build(LinkState.Up, default, ifname[..^1], pool, 0, Duplex.Unknown, FlowControl.Unknown);
            return true;
        }
        if (s.StartsWith("Autonegotiated half duplex"u8))
        {
            var dev = DevicePrefix.Parse(head);
            ev = Build(LinkState.Degraded, dev.Driver, dev.Interface, pool, 0, Duplex.Half, FlowControl.Unknown);
            return true;
        }

        if (s.StartsWith("link status definitely "u8))
        {
            return TryParseBonding(head, s[23..], pool, out ev);
        }
        if (s.StartsWith("Link status is: "u8))
        {
            return TryParseAsix(head, s[16..], pool, out ev);
        }
        if (s.StartsWith("Flow control is "u8))
        {
            return TryParseFlowReport(head, s[16..], pool, out ev);
        }
        if (s.StartsWith("link change old "u8))
        {
            return TryParseAtlantic(head, s[16..], pool, out ev);
        }
        if (s.StartsWith("NIC Up: "u8))
        {
            return TryParseAlx(head, s[7..], pool, out ev);
        }

        // Long forms ("Link is Up", "link is up") carry details after them; short ones ("link up", "Link up",
        // "Link Up") stand alone or with a few details (generic MII: "link up, 100Mbps, full-duplex, lpa 0x45E1").
        bool up;
        int words;
        if (s.StartsWith("Link is Up"u8) || s.StartsWith("Link is up"u8) || s.StartsWith("link is up"u8) || s.StartsWith("Link is UP"u8))
        {
            (up, words) = (true, 10);
        }
        else if (s.StartsWith("Link is Down"u8) || s.StartsWith("Link is down"u8) || s.StartsWith("link is down"u8) || s.StartsWith("Link is DOWN"u8))
        {
            (up, words) = (false, 12);
        }
        else if (s.StartsWith("link up"u8) || s.StartsWith("Link up"u8) || s.StartsWith("Link Up"u8) || s.StartsWith("Link UP"u8))
        {
            (up, words) = (true, 7);
        }
        else if (s.StartsWith("link down"u8) || s.StartsWith("Link down"u8) || s.StartsWith("Link Down"u8) || s.StartsWith("Link DOWN"u8))
        {
            (up, words) = (false, 9);
        }
        else
        {
            return false;
        }
        bool shortForm = words is 7 or 9;
        var tail = s[words..];

        // Who: strip the "NIC " / "NIC Copper " words some drivers put before "Link", and old phylib's " -".
        var who = Tokens.TrimEnd(head);
        if (who.EndsWith(" -"u8))
        {
            who = Tokens.TrimEnd(who[..^2]);
        }
        foreach (var word in (ReadOnlySpan<string>)["NIC Remote Copper", "NIC Copper", "NIC SerDes", "NIC"])
        {
            if (EndsWithAscii(who, word))
            {
                who = Tokens.TrimEnd(who[..^word.Length]);
                break;
            }
        }
        if (who.IsEmpty)
        {
            return false;
        }
        if (shortForm)
        {
            // "eth0: link up": the speaker ends with a colon, and only MII's ", 100Mbps, …", sfc's " at 10000Mbps …",
            // phylib drivers' " (1000/Full)", ionic's " - 100 Gbps" or a full stop may follow, or "SATA link up 6.0
            // Gbps" and "PCIe x4: link up" prose would count.
            var rest = Tokens.TrimEnd(tail);
            bool detailed = (s[0] == 'l' && (rest.StartsWith(", "u8) || rest.StartsWith(" at "u8) || IsSpeedInParentheses(rest)))
                || IsSpeedAfterDash(rest);
            if (who[^1] != ':' || !(rest.IsEmpty || rest.SequenceEqual("."u8) || detailed))
            {
                return false;
            }
        }
        var device = DevicePrefix.Parse(who);
        if (device.Interface.IsEmpty && (shortForm || device.Driver.IsEmpty))
        {
            return false; // a bare "link up" is only a NIC's when an interface says so
        }
        int speed = 0;
        var duplex = Duplex.Unknown;
        var flow = FlowControl.Unknown;
        if (up)
        {
            ParseUpDetails(tail, out speed, out duplex, out flow);
        }
        ev = Build(up ? LinkState.Up : LinkState.Down, device.Driver, device.Interface, pool, speed, duplex, flow);
        return true;
    }

    /// <summary>
    /// bonding's view of a port: <c>bond0: link status definitely up for interface eth0, 1000 Mbps full duplex</c>
    /// (≤5.x) and <c>bond0: (slave eth0): link status definitely down, disabling slave</c> (≥5.3). The interface is
    /// the port, not the bond.
    /// </summary>
    private static bool TryParseBonding(ReadOnlySpan<byte> head, ReadOnlySpan<byte> s, StringPool pool, out NetEvent ev)
    {
        ev = default;
        bool up;
        if (s.StartsWith("up"u8))
        {
            up = true;
            s = s[2..];
        }
        else if (s.StartsWith("down"u8))
        {
            up = false;
            s = s[4..];
        }
        else
        {
            return false;
        }
        ReadOnlySpan<byte> port;
        if (Tokens.TrySkip(ref s, " for interface "u8))
        {
            int end = s.IndexOfAny((byte)',', (byte)' ');
            port = end < 0 ? Tokens.TrimEnd(s) : s[..end];
            s = end < 0 ? default : s[end..];
        }
        else
        {
            int slave = head.LastIndexOf("(slave "u8);
            if (slave < 0)
            {
                return false;
            }
            port = head[(slave + 7)..];
            int close = port.IndexOf((byte)')');
            if (close <= 0)
            {
                return false;
            }
            port = port[..close];
        }
        if (port.IsEmpty)
        {
            return false;
        }
        int speed = 0;
        var duplex = Duplex.Unknown;
        var flow = FlowControl.Unknown;
        if (up)
        {
            ParseUpDetails(s, out speed, out duplex, out flow);
        }
        ev = Build(up ? LinkState.Up : LinkState.Down, "bonding"u8, port, pool, speed, duplex, flow);
        return true;
    }

    /// <summary>
    /// tg3 and b44 report flow control on a line of its own after the link-up: <c>tg3 0000:02:00.0 eth0: Flow control is
    /// on for TX and on for RX</c> (2.6.18's tg3: <c>tg3: eth0: Flow control is off for TX and off for RX.</c>).
    /// </summary>
    private static bool TryParseFlowReport(ReadOnlySpan<byte> head, ReadOnlySpan<byte> s, StringPool pool, out NetEvent ev)
    {
        ev = default;
        if (!TryOnOff(ref s, out bool tx) || !Tokens.TrySkip(ref s, " for TX and "u8) || !TryOnOff(ref s, out bool rx) || !s.StartsWith(" for RX"u8))
        {
            return false;
        }
        var who = Tokens.TrimEnd(head);
        if (who.IsEmpty || who[^1] != ':')
        {
            return false;
        }
        var device = DevicePrefix.Parse(who);
        if (device.Interface.IsEmpty)
        {
            return false;
        }
        var flow = rx && tx ? FlowControl.RxTx : rx ? FlowControl.Rx : tx ? FlowControl.Tx : FlowControl.None;
        ev = Build(LinkState.Flow, device.Driver, device.Interface, pool, 0, Duplex.Unknown, flow);
        return true;

        static bool TryOnOff(ref ReadOnlySpan<byte> s, out bool on)
        {
            on = s.StartsWith("on"u8);
            if (on || s.StartsWith("off"u8))
            {
                s = s[(on ? 2 : 3)..];
                return true;
            }
            return false;
        }
    }

    /// <summary>Phylib drivers of the 2.6–4.x era (macb, au1000, arasan…): <c>link up (1000/Full)</c>.</summary>
    /// <summary>ionic's <c>Link up - 100 Gbps</c>: a dash, then a number and its unit.</summary>
    private static bool IsSpeedAfterDash(ReadOnlySpan<byte> rest)
        => rest.Length > 8 && rest.StartsWith(" - "u8) && (uint)(rest[3] - '0') <= 9 && (rest.EndsWith(" Gbps"u8) || rest.EndsWith(" Mbps"u8));

    /// <summary>
    /// Aquantia atlantic: <c>atlantic 0000:04:00.0 enp4s0: atlantic: link change old 1000 new 0</c> (netdev_info since
    /// 5.x; earlier a bare <c>atlantic: link change old 0 new 10000</c>), the speeds in Mbps: a new speed of 0 is the
    /// link going down, any other the link up (or renegotiated) at that speed.
    /// </summary>
    private static bool TryParseAtlantic(ReadOnlySpan<byte> head, ReadOnlySpan<byte> s, StringPool pool, out NetEvent ev)
    {
        ev = default;
        int newAt = s.IndexOf(" new "u8);
        if (newAt <= 0 || !AsciiNumber.TryParseInt32(s[..newAt], out _)
            || !AsciiNumber.TryParseInt32(Tokens.Trim(s[(newAt + 5)..]), out int speed) || speed < 0)
        {
            return false;
        }
        // The driver names itself just before the message; netdev_info's speaker, when there is one, comes before that.
        var who = Tokens.TrimEnd(head);
        if (who.IsEmpty || who[^1] != ':')
        {
            return false;
        }
        int sp = who.LastIndexOf((byte)' ');
        var tag = who[(sp + 1)..^1];
        var device = sp < 0 ? default : DevicePrefix.Parse(who[..sp]);
        var driver = device.Driver.IsEmpty ? tag : device.Driver;
        if (driver.IsEmpty)
        {
            return false;
        }
        ev = Build(speed == 0 ? LinkState.Down : LinkState.Up, driver, device.Interface, pool, speed, Duplex.Unknown, FlowControl.Unknown);
        return true;
    }

    /// <summary>alx (Qualcomm Atheros AR816x/AR817x): <c>alx 0000:03:00.0 enp3s0: NIC Up: 1 Gbps Full</c>; its down is <c>Link Down</c>.</summary>
    private static bool TryParseAlx(ReadOnlySpan<byte> head, ReadOnlySpan<byte> details, StringPool pool, out NetEvent ev)
    {
        ev = default;
        var speaker = Tokens.TrimEnd(head);
        var device = DevicePrefix.Parse(speaker);
        if (speaker.IsEmpty || speaker[^1] != ':' || device.Interface.IsEmpty)
        {
            return false;
        }
        ParseUpDetails(details, out int speed, out var duplex, out var flow);
        ev = Build(LinkState.Up, device.Driver, device.Interface, pool, speed, duplex, flow);
        return true;
    }

    private static bool IsSpeedInParentheses(ReadOnlySpan<byte> rest)
        => rest.Length > 4 && rest.StartsWith(" ("u8) && rest[^1] == ')' && (uint)(rest[2] - '0') <= 9 && rest.IndexOf((byte)'/') > 2;

    /// <summary>
    /// ASIX USB adapters: <c>ax88179_178a 2-1:1.0 eth1: ax88179 - Link status is: 1</c> (1 up, 0 down; the driver's own
    /// name repeated before the dash, as <c>ax88179_178a - </c> in its out-of-tree versions).
    /// </summary>
    private static bool TryParseAsix(ReadOnlySpan<byte> head, ReadOnlySpan<byte> s, StringPool pool, out NetEvent ev)
    {
        ev = default;
        var value = Tokens.Trim(s);
        if (value.Length != 1 || (value[0] != '0' && value[0] != '1'))
        {
            return false;
        }
        var who = Tokens.TrimEnd(head);
        if (!who.EndsWith(" -"u8))
        {
            return false;
        }
        who = Tokens.TrimEnd(who[..^2]);
        int sp = who.LastIndexOf((byte)' ');
        if (sp > 0 && who[(sp + 1)..].StartsWith("ax88"u8))
        {
            who = Tokens.TrimEnd(who[..sp]);
        }
        var device = DevicePrefix.Parse(who);
        if (device.Interface.IsEmpty)
        {
            return false;
        }
        ev = Build(value[0] == '1' ? LinkState.Up : LinkState.Down, device.Driver, device.Interface, pool, 0, Duplex.Unknown, FlowControl.Unknown);
        return true;
    }

    private static void ParseUpDetails(ReadOnlySpan<byte> tail, out int speed, out Duplex duplex, out FlowControl flow)
    {
        speed = 0;
        duplex = Duplex.Unknown;
        flow = FlowControl.Unknown;
        // Speed: the first number followed by Mbps or Gbps (with or without a space; Gbps may be fractional).
        for (int i = 0; i < tail.Length; i++)
        {
            if ((uint)(tail[i] - '0') > 9 || (i > 0 && (tail[i - 1] == '.' || (uint)(tail[i - 1] - '0') <= 9)))
            {
                continue;
            }
            int j = i;
            while (j < tail.Length && ((uint)(tail[j] - '0') <= 9 || tail[j] == '.'))
            {
                j++;
            }
            var unit = tail[j..];
            if (unit.StartsWith(" "u8))
            {
                unit = unit[1..];
            }
            // Old phylib prints "Link is Up - 100/Full": a bare number before /Full or /Half is Mbps.
            bool mbps = unit.StartsWith("Mbps"u8) || unit.StartsWith("Mb/s"u8)
                || (unit.Length > 1 && unit[0] == '/' && ((unit[1] | 0x20) == 'f' || (unit[1] | 0x20) == 'h'));
            bool gbps = unit.StartsWith("Gbps"u8) || unit.StartsWith("Gb/s"u8);
            if (mbps || gbps)
            {
                speed = ParseSpeed(tail[i..j], gbps);
                break;
            }
        }
        if (ContainsIgnoreCase(tail, "full"u8))
        {
            duplex = Duplex.Full;
        }
        else if (ContainsIgnoreCase(tail, "half"u8))
        {
            duplex = Duplex.Half;
        }
        else if (speed >= 10_000)
        {
            duplex = Duplex.Full; // ixgbe prints no duplex: 10G and up is always full.
        }
        flow = ParseFlow(tail);
    }

    private static int ParseSpeed(ReadOnlySpan<byte> number, bool gbps)
    {
        int dot = number.IndexOf((byte)'.');
        var whole = dot < 0 ? number : number[..dot];
        if (!AsciiNumber.TryParseInt32(whole, out int w))
        {
            return 0;
        }
        int mbps = gbps ? w * 1000 : w;
        if (gbps && dot >= 0 && dot + 1 < number.Length && (uint)(number[dot + 1] - '0') <= 9)
        {
            mbps += (number[dot + 1] - '0') * 100;
        }
        return mbps;
    }

    private static FlowControl ParseFlow(ReadOnlySpan<byte> tail)
    {
        // Intel: "Flow Control: Rx/Tx|RX/TX|Rx|Tx|None"; phylib/phylink: "flow control rx/tx|rx|tx|off";
        // bnx2: ", receive & transmit flow control ON"; bnx2x/bnxt_en: "Flow control: ON - receive & transmit|ON -
        // receive|ON - transmit|none"; sky2/skge: "flow control both|rx|tx|none"; cxgb: "Tx/Rx PAUSE".
        int i = IndexOfIgnoreCase(tail, "flow control"u8);
        if (i < 0)
        {
            return ParsePause(tail);
        }
        var before = Tokens.TrimEnd(tail[..i]);
        if (EndsWithAscii(before, "receive & transmit"))
        {
            return FlowControl.RxTx;
        }
        if (EndsWithAscii(before, "receive"))
        {
            return FlowControl.Rx;
        }
        if (EndsWithAscii(before, "transmit"))
        {
            return FlowControl.Tx;
        }
        var v = tail[(i + 12)..];
        if (v.StartsWith(":"u8))
        {
            v = v[1..];
        }
        v = Tokens.Trim(v);
        if (v.StartsWith("ON - "u8))
        {
            // bnx2x/bnxt_en name the directions in words after "ON - ".
            v = v[5..];
            bool receive = v.StartsWith("receive"u8);
            bool transmit = receive ? v.StartsWith("receive & transmit"u8) : v.StartsWith("transmit"u8);
            return receive && transmit ? FlowControl.RxTx : receive ? FlowControl.Rx : transmit ? FlowControl.Tx : FlowControl.Unknown;
        }
        int end = v.IndexOfAny((byte)' ', (byte)',');
        if (end >= 0)
        {
            v = v[..end];
        }
        if (v.IsEmpty)
        {
            return FlowControl.Unknown;
        }
        if (EqualsIgnoreCase(v, "both"u8) || EqualsIgnoreCase(v, "symmetric"u8))
        {
            return FlowControl.RxTx;
        }
        bool rx = ContainsIgnoreCase(v, "rx"u8);
        bool tx = ContainsIgnoreCase(v, "tx"u8);
        return rx && tx ? FlowControl.RxTx : rx ? FlowControl.Rx : tx ? FlowControl.Tx : FlowControl.None;
    }

    /// <summary>Chelsio's "link up, 10Gbps, full-duplex, Tx/Rx PAUSE" (no words: pause off).</summary>
    private static FlowControl ParsePause(ReadOnlySpan<byte> tail)
    {
        int p = tail.IndexOf(" PAUSE"u8);
        if (p < 0)
        {
            return FlowControl.Unknown;
        }
        var before = tail[..p];
        int start = before.LastIndexOf((byte)' ') + 1;
        var v = before[start..];
        bool rx = ContainsIgnoreCase(v, "rx"u8);
        bool tx = ContainsIgnoreCase(v, "tx"u8);
        return rx && tx ? FlowControl.RxTx : rx ? FlowControl.Rx : tx ? FlowControl.Tx : FlowControl.Unknown;
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowerWord)
        => s.Length == lowerWord.Length && IndexOfIgnoreCase(s, lowerWord) == 0;

    private static NetEvent Build(LinkState state, ReadOnlySpan<byte> driver, ReadOnlySpan<byte> ifname, StringPool pool, int speed, Duplex duplex, FlowControl flow)
        => new()
        {
            Kind = EventKind.NicLink,
            Form = (byte)state,
            Driver = driver.IsEmpty ? null : pool.Get(driver),
            Interface = ifname.IsEmpty ? null : pool.Get(ifname),
            SpeedMbps = speed,
            Duplex = duplex,
            FlowControl = flow,
            UptimeMicros = -1,
        };

    private static bool EndsWithAscii(ReadOnlySpan<byte> s, string word)
    {
        if (s.Length < word.Length)
        {
            return false;
        }
        var tail = s[^word.Length..];
        for (int i = 0; i < word.Length; i++)
        {
            if (tail[i] != word[i])
            {
                return false;
            }
        }
        return s.Length == word.Length || s[^(word.Length + 1)] == ' ' || s[^(word.Length + 1)] == ',';
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowerWord) => IndexOfIgnoreCase(s, lowerWord) >= 0;

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowerWord)
    {
        for (int i = 0; i + lowerWord.Length <= s.Length; i++)
        {
            int k = 0;
            while (k < lowerWord.Length && (s[i + k] | 0x20) == lowerWord[k])
            {
                k++;
            }
            if (k == lowerWord.Length)
            {
                return i;
            }
        }
        return -1;
    }
}
