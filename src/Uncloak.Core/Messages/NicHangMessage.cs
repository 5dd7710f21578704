using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// A NIC's transmitter stuck: Intel <c>Detected Hardware Unit Hang:</c> (e1000e), <c>Detected Tx Unit Hang</c>
/// (e1000, igb, ixgbe) with their register dumps, virtio_net's and mlx5's <c>TX timeout on queue: N, …</c>, and the other
/// drivers' own words: forcedeth <c>Got tx_timeout. irq: …</c>, tg3/b44 <c>transmit timed out, resetting</c>, niu/via-rhine
/// <c>Transmit timed out, …</c>, bnxt_en <c>TX timeout detected, starting reset task!</c>, i40e/ice <c>tx_timeout: VSI_seid: …</c>,
/// and Amazon's ena, which resets the device when too many transmissions went uncompleted (<c>The number of lost tx
/// completions is above the threshold (129 &gt; 128). Reset the device</c>, 6.x <c>Lost TX completions are above the
/// threshold (…). Completion transmission timeout: …</c>) or the device stopped its keep-alive (<c>Keep alive watchdog
/// timeout.</c>); its per-packet <c>Found a Tx that wasn't completed on time</c> warnings before are not the event.
/// Only the first line of a dump is the event; the register lines that follow carry no anchor.
/// </summary>
public static partial class NicHangMessage
{
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
    {
        ev = default;
        var s = message[anchor..];
        var head = message[..anchor];
        int queue = -1;
        if (s.StartsWith("TX timeout on queue: "u8))
        {
            var q = s[21..];
            if (AsciiNumber.TryReadUInt32(q, out uint qn, out _))
            {
                queue = (int)Math.Min(qn, int.MaxValue);
            }
        }
        else if (s.StartsWith("Unit Hang"u8))
        {
            // "Detected Hardware Unit Hang" / "Detected Tx Unit Hang": anchor is "Unit Hang".
            if (!head.EndsWith("Detected Hardware "u8) && !head.EndsWith("Detected Tx "u8))
            {
                return false;
            }
            head = head[..head.LastIndexOf("Detected "u8)];
        }
        else if (s.StartsWith("lost tx completions is above the threshold"u8))
        {
            // ena before 6.x, "The number of lost tx completions …": anchored after its first words, which are too
            // common at the start of a search value ("The" begins much of any log's prose).
            if (!head.EndsWith("The number of "u8))
            {
                return false;
            }
            head = head[..^"The number of "u8.Length];
        }
        else if (!AnyDriverTimeout(s))
        {
            return false;
        }
        else if (s.StartsWith("tx_timeout: VSI_"u8) && s.IndexOf(", Q "u8) is int q and >= 0
            && AsciiNumber.TryReadUInt32(s[(q + 4)..], out uint vq, out _))
        {
            queue = (int)Math.Min(vq, int.MaxValue);
        }
        var who = Tokens.TrimEnd(head);
        if (who.IsEmpty || who[^1] != ':')
        {
            return false; // a driver's report always follows its "drv dev ifname:" prefix
        }
        // Old DPRINTK form names the function too: "e1000: eth0: e1000_clean_tx_irq:".
        var device = DevicePrefix.Parse(who);
        if (device.Driver.IsEmpty && device.Interface.IsEmpty)
        {
            return false;
        }
        ev = new NetEvent
        {
            Kind = EventKind.NicHang,
            Driver = device.Driver.IsEmpty ? null : pool.Get(device.Driver),
            Interface = device.Interface.IsEmpty ? null : pool.Get(device.Interface),
            Queue = queue,
            UptimeMicros = -1,
        };
        return true;
    }

    /// <summary>The drivers' own transmit-timeout sentences (each anchor is the sentence's start).</summary>
    private static bool AnyDriverTimeout(ReadOnlySpan<byte> s)
        => s.StartsWith("Got tx_timeout"u8)                     // forcedeth
        || s.StartsWith("transmit timed out, resetting"u8)      // tg3, b44, sungem, cassini, happymeal
        || s.StartsWith("Transmit timed out, "u8)               // niu, via-rhine ("…, status 0003, PHY status 786d, resetting...")
        || s.StartsWith("TX timeout detected"u8)                // bnxt_en
        || s.StartsWith("tx_timeout: VSI_"u8)                   // i40e, ice
        || s.StartsWith("Lost TX completions are above the threshold"u8)               // ena, 6.x
        || s.StartsWith("Keep alive watchdog timeout."u8);                              // ena: the device went quiet
}
