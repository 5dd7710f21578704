using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>Counts per kind per time bucket. <see cref="Clock"/> says whether times are wall-clock or seconds since boot.</summary>
public sealed record Timeline(DateTime Start, TimeSpan Bucket, int Buckets, string Clock, IReadOnlyDictionary<EventKind, long[]> Series)
{
    public static Timeline Empty { get; } = new(default, TimeSpan.FromHours(1), 0, "wall", new Dictionary<EventKind, long[]>());

    /// <summary>A bucket size that gives between ~24 and ~200 buckets over <paramref name="span"/>.</summary>
    public static TimeSpan ChooseBucket(TimeSpan span)
    {
        TimeSpan[] choices =
        [
            TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1),
            TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(7),
        ];
        foreach (var c in choices)
        {
            if (span.Ticks / c.Ticks <= 200)
            {
                return c;
            }
        }
        return TimeSpan.FromDays(30);
    }
}
