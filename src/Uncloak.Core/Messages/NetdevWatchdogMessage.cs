using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// <c>NETDEV WATCHDOG</c>: a stopped TX queue timed out and the driver is told to reset the NIC.
/// Forms: <c>NETDEV WATCHDOG: eth0: transmit timed out</c> (early 2.6), <c>NETDEV WATCHDOG: eth0 (bnx2): transmit queue 0 timed out[ 9028 ms]</c>
/// (≈2.6.2x–6.9, inside WARN_ONCE), <c>e1000e 0000:00:19.0 eth0: NETDEV WATCHDOG: CPU: 3: transmit queue 0 timed out 5368 ms</c> (≥6.10).
/// </summary>
public static partial class NetdevWatchdogMessage
{
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
    {
        ev = default;
        var s = message[anchor..];
        if (!Tokens.TrySkip(ref s, "NETDEV WATCHDOG: "u8))
        {
            return false;
        }
        ReadOnlySpan<byte> ifname = default;
        ReadOnlySpan<byte> driver = default;
        if (Tokens.TrySkip(ref s, "CPU: "u8))
        {
            // ≥6.10: the device is named by the netdev prefix before the anchor.
            if (!Tokens.TryTakeUntil(ref s, ": "u8, out _))
            {
                return false;
            }
            var device = DevicePrefix.Parse(message[..anchor]);
            ifname = device.Interface;
            driver = device.Driver;
        }
        else
        {
            int t = s.IndexOf("transmit "u8);
            if (t <= 0)
            {
                return false;
            }
            var who = Tokens.TrimEnd(s[..t]);
            if (who.Length > 0 && who[^1] == ':')
            {
                who = who[..^1];
            }
            int paren = who.IndexOf(" ("u8);
            if (paren > 0 && who[^1] == ')')
            {
                driver = who[(paren + 2)..^1];
                who = who[..paren];
            }
            ifname = who;
            s = s[t..];
        }
        int queue = -1;
        if (Tokens.TrySkip(ref s, "transmit queue "u8))
        {
            if (!Tokens.TryReadUInt32(ref s, out uint q))
            {
                return false;
            }
            queue = (int)Math.Min(q, int.MaxValue);
            s = s.StartsWith(" "u8) ? s[1..] : s;
        }
        else if (!Tokens.TrySkip(ref s, "transmit "u8))
        {
            return false;
        }
        if (!Tokens.TrySkip(ref s, "timed out"u8))
        {
            return false;
        }
        int ms = 0;
        if (Tokens.TrySkip(ref s, " "u8) && Tokens.TryReadUInt32(ref s, out uint t2))
        {
            ms = (int)Math.Min(t2, int.MaxValue);
        }
        ev = new NetEvent
        {
            Kind = EventKind.NetdevWatchdog,
            Interface = ifname.IsEmpty ? null : pool.Get(ifname),
            Driver = driver.IsEmpty ? null : pool.Get(driver),
            Queue = queue,
            Millis = ms,
            UptimeMicros = -1,
        };
        return true;
    }
}
