using Uncloak.Core.Events;

namespace Uncloak.Store.Timeline;

/// <summary>
/// Events by kind over a span: <see cref="Buckets"/> buckets of <see cref="Step"/> from <see cref="Start"/>, and for
/// each kind seen its count per bucket (buckets without events count 0). Only kinds with events appear.
/// </summary>
public sealed record TimelineSeries(DateTimeOffset Start, TimeSpan Step, int Buckets, IReadOnlyDictionary<EventKind, long[]> Counts)
{
    /// <summary>The start of bucket <paramref name="index"/>.</summary>
    public DateTimeOffset BucketStart(int index) => Start + (Step * index);

    /// <summary>Events in the whole span.</summary>
    public long Total => Counts.Values.Sum(c => c.Sum());
}
