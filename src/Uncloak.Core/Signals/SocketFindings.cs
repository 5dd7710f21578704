using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>Everything one analysis of the socket table found, plus the listener view it was judged against.</summary>
public sealed record SocketFindings(
    DateTime Time,
    int SocketCount,
    IReadOnlyList<ListenerView> Listeners,
    IReadOnlyList<ZeroWindowHold> ZeroWindowHolds,
    IReadOnlyList<SlowRead> SlowReads,
    IReadOnlyList<SynRecvFlood> SynRecvFloods,
    IReadOnlyList<AcceptQueueExhaustion> AcceptQueueExhaustions)
{
    public bool Any => ZeroWindowHolds.Count + SlowReads.Count + SynRecvFloods.Count + AcceptQueueExhaustions.Count > 0;

    /// <summary>The findings as events, in a stable order (kind, then the order of the lists).</summary>
    public IEnumerable<NetEvent> Events()
    {
        foreach (var f in ZeroWindowHolds)
        {
            yield return f.ToEvent(Time);
        }
        foreach (var f in SlowReads)
        {
            yield return f.ToEvent(Time);
        }
        foreach (var f in SynRecvFloods)
        {
            yield return f.ToEvent(Time);
        }
        foreach (var f in AcceptQueueExhaustions)
        {
            yield return f.ToEvent(Time);
        }
    }
}
