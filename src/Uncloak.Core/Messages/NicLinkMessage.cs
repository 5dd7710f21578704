using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Driver link messages with speed, duplex and flow control: Intel e1000/e1000e/igb/igc
/// (<c>NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx</c>), ixgbe (<c>NIC Link is Up 10 Gbps</c>),
/// tg3 (<c>Link is up at 100 Mbps, half duplex</c>), bnx2 (<c>NIC Copper Link is Up, 1000 Mbps full duplex, …</c>),
/// phylib/r8169 (<c>Link is Up - 1Gbps/Full - flow control rx/tx</c>), old r8169 (<c>link up</c>),
/// virtio and others through <c>ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready</c>, and the
/// e1000e half-duplex warning.
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

        bool up;
        if (s.StartsWith("Link is Up"u8) || s.StartsWith("Link is up"u8) || s.StartsWith("link up"u8))
        {
            up = true;
        }
        else if (s.StartsWith("Link is Down"u8) || s.StartsWith("Link is down"u8) || s.StartsWith("link down"u8))
        {
            up = false;
        }
        else
        {
            return false;
        }
        bool shortForm = s[0] == 'l';
        var tail = s[(shortForm ? (up ? 7 : 9) : (up ? 10 : 12))..];

        // Who: strip the "NIC " / "NIC Copper " words some drivers put before "Link".
        var who = Tokens.TrimEnd(head);
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
            // Old r8169 "eth0: link up": the whole message must be that, or "SATA link up 6.0 Gbps" would count.
            if (who[^1] != ':' || Tokens.TrimEnd(tail).Length != 0)
            {
                return false;
            }
        }
        var device = DevicePrefix.Parse(who);
        if (device.Interface.IsEmpty && device.Driver.IsEmpty)
        {
            return false;
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
            bool mbps = unit.StartsWith("Mbps"u8) || unit.StartsWith("Mb/s"u8);
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
        // Intel: "Flow Control: Rx/Tx|RX/TX|Rx|Tx|None"; phylib: "flow control rx/tx|rx|tx|off";
        // bnx2: ", receive & transmit flow control ON"
        int i = IndexOfIgnoreCase(tail, "flow control"u8);
        if (i < 0)
        {
            return FlowControl.Unknown;
        }
        var before = tail[..i];
        if (EndsWithAscii(Tokens.TrimEnd(before), "receive & transmit"))
        {
            return FlowControl.RxTx;
        }
        if (EndsWithAscii(Tokens.TrimEnd(before), "receive"))
        {
            return FlowControl.Rx;
        }
        if (EndsWithAscii(Tokens.TrimEnd(before), "transmit"))
        {
            return FlowControl.Tx;
        }
        var v = tail[(i + 12)..];
        if (v.StartsWith(":"u8))
        {
            v = v[1..];
        }
        v = Tokens.Trim(v);
        int end = v.IndexOfAny((byte)' ', (byte)',');
        if (end >= 0)
        {
            v = v[..end];
        }
        if (v.IsEmpty)
        {
            return FlowControl.Unknown;
        }
        bool rx = ContainsIgnoreCase(v, "rx"u8);
        bool tx = ContainsIgnoreCase(v, "tx"u8);
        return rx && tx ? FlowControl.RxTx : rx ? FlowControl.Rx : tx ? FlowControl.Tx : FlowControl.None;
    }

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
