using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary><c>NETDEV WATCHDOG: IF (DRIVER): transmit queue N timed out</c> (see <see cref="NetdevWatchdogMessage"/>).</summary>
public sealed class NetdevWatchdogFamily : MessageFamily
{
    public override EventKind Kind => EventKind.NetdevWatchdog;

    public override string Name => "netdev_watchdog";

    public override IReadOnlyList<string> Anchors { get; } = ["NETDEV WATCHDOG: "];

    public override Explanation Explanation => NetdevWatchdogMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => NetdevWatchdogMessage.TryParse(message, anchor, pool, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields) => NicHangFamily.WriteQueue(ev, fields);

    public override void Describe(in NetEvent ev, List<DescribedField> fields) => NicHangFamily.DescribeQueue(ev, fields);

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
    {
        var nic = history.Interface(ev);
        nic.Watchdogs++;
        nic.Reset(time);
        history.AddDisruption(time, TimeSpan.FromSeconds(10), $"{nic.Name} transmit timeout");
    }
}
