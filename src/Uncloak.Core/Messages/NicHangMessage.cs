using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// A NIC's transmitter stuck: Intel <c>Detected Hardware Unit Hang:</c> (e1000e), <c>Detected Tx Unit Hang</c>
/// (e1000, igb, ixgbe) with their register dumps, and virtio_net's <c>TX timeout on queue: N, …</c>.
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
        else
        {
            // "Detected Hardware Unit Hang" / "Detected Tx Unit Hang": anchor is "Unit Hang".
            if (!head.EndsWith("Detected Hardware "u8) && !head.EndsWith("Detected Tx "u8))
            {
                return false;
            }
            head = head[..head.LastIndexOf("Detected "u8)];
        }
        var who = Tokens.TrimEnd(head);
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
}
