using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One rare event kept for the replay, or a run of repetitive ones collapsed into it (see <see cref="RareRuns"/>):
/// the first event, the time of the last and how many lines the run stands for.
/// </summary>
internal struct RareRun
{
    public NetEvent First;
    public DateTime Last;
    public long Count;

    public RareRun(in NetEvent first, long count)
    {
        First = first;
        Last = TimeOf(first);
        Count = count;
    }

    /// <summary>The replay's clock: wall time, else the uptime counted from the epoch, else none.</summary>
    public static DateTime TimeOf(in NetEvent ev)
        => ev.HasTime ? ev.Time : ev.UptimeMicros >= 0 ? DateTime.UnixEpoch.AddTicks(ev.UptimeMicros * 10) : default;
}
