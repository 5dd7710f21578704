using System.Globalization;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>A driver's own transmit-hang report (see <see cref="NicHangMessage"/>).</summary>
public sealed class NicHangFamily : MessageFamily
{
    public override EventKind Kind => EventKind.NicHang;

    public override string Name => "nic_hang";

    public override IReadOnlyList<string> Anchors { get; } =
    [
        "Unit Hang",
        "TX timeout on queue: ",
        "Got tx_timeout",
        "transmit timed out, resetting",
        "Transmit timed out, ",
        "TX timeout detected",
        "tx_timeout: VSI_",
        "lost tx completions is above the threshold",
        "Lost TX completions are above the threshold",
        "Keep alive watchdog timeout.",
    ];

    /// <summary>The two "TX timeout …" wordings share one prefix.</summary>
    public override IReadOnlyList<string> SearchPrefixes { get; } =
        ["Unit Hang", "TX timeout ", "Got tx_timeout", "transmit timed out, resetting", "Transmit timed out, ", "tx_timeout: VSI_",
         "lost tx completions", "Lost TX completions", "Keep alive watchdog timeout."];

    public override Explanation Explanation => NicHangMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => NicHangMessage.TryParse(message, anchor, pool, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields) => WriteQueue(ev, fields);

    public override void Describe(in NetEvent ev, List<DescribedField> fields) => DescribeQueue(ev, fields);

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
    {
        var nic = history.Interface(ev);
        nic.Hangs++;
        nic.Reset(time);
        history.AddDisruption(time, TimeSpan.FromSeconds(10), $"{nic.Name} transmit hang");
    }

    /// <summary>The stalled transmit queue and how long it had not sent, shared with the watchdog.</summary>
    internal static void WriteQueue(in NetEvent ev, IDictionary<string, object> fields)
    {
        if (ev.Queue >= 0)
        {
            fields["queue"] = (long)ev.Queue;
        }
        if (ev.Millis != 0)
        {
            fields["timeout_ms"] = (long)ev.Millis;
        }
    }

    internal static void DescribeQueue(in NetEvent ev, List<DescribedField> fields)
    {
        EventDescription.AddDevice(ev, fields);
        if (ev.Queue >= 0)
        {
            fields.Add(new("tx queue", ev.Queue.ToString(CultureInfo.InvariantCulture)));
        }
        if (ev.Millis > 0)
        {
            fields.Add(new("stalled for", $"{ev.Millis} ms", "time since the queue last transmitted"));
        }
    }
}
