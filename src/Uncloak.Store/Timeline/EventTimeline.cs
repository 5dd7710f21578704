using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Timeline;

/// <summary>
/// Reads the timeline from the per-minute and per-hour counts (migration 40), never from the events table: 30 days
/// are 720 hours × the kinds seen, whatever the number of events.
/// </summary>
public static class EventTimeline
{
    /// <summary>Spans up to this long are read per minute (2,880 buckets at most); longer ones per hour.</summary>
    public static readonly TimeSpan MinuteResolutionUpTo = TimeSpan.FromHours(48);

    /// <summary>The longest span one read covers.</summary>
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(31);

    /// <summary>
    /// Counts from <paramref name="from"/> to <paramref name="to"/>, widened to whole buckets. Throws
    /// <see cref="ArgumentOutOfRangeException"/> when <paramref name="to"/> is not after <paramref name="from"/> or the
    /// span is longer than <see cref="MaxSpan"/> (callers validate what a user sent first).
    /// </summary>
    public static TimelineSeries Read(SqliteStore store, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(to, from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to - from, MaxSpan);
        bool minutes = to - from <= MinuteResolutionUpTo;
        long perBucket = minutes ? 1 : 60;
        long first = Floor(TimelineCounts.UnixMinute(from.UtcDateTime), perBucket) / perBucket;
        long end = Ceiling(TimelineCounts.UnixMinute(to.UtcDateTime) + (HasSeconds(to) ? 1 : 0), perBucket) / perBucket;
        int buckets = (int)(end - first);
        var counts = new Dictionary<EventKind, long[]>();
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = minutes
            ? "SELECT minute, kind, count FROM event_minutes WHERE minute >= $a AND minute < $b"
            : "SELECT hour, kind, count FROM event_hours WHERE hour >= $a AND hour < $b";
        cmd.Parameters.AddWithValue("$a", first);
        cmd.Parameters.AddWithValue("$b", end);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var kind = (EventKind)r.GetInt32(1);
            if (!counts.TryGetValue(kind, out var series))
            {
                counts[kind] = series = new long[buckets];
            }
            series[(int)(r.GetInt64(0) - first)] += r.GetInt64(2);
        }
        var step = TimeSpan.FromMinutes(perBucket);
        return new TimelineSeries(DateTimeOffset.UnixEpoch + (step * first), step, buckets, counts);
    }

    /// <summary>
    /// Events by kind in the whole minutes from <paramref name="from"/> (its minute included) to <paramref name="to"/>
    /// (its minute excluded): an outage's lead-up. One range read of <c>event_minutes</c>.
    /// </summary>
    public static IReadOnlyDictionary<EventKind, long> KindsBetween(SqliteStore store, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT kind, sum(count) FROM event_minutes WHERE minute >= $a AND minute < $b GROUP BY kind ORDER BY kind";
        cmd.Parameters.AddWithValue("$a", TimelineCounts.UnixMinute(from.UtcDateTime));
        cmd.Parameters.AddWithValue("$b", TimelineCounts.UnixMinute(to.UtcDateTime));
        using var r = cmd.ExecuteReader();
        var kinds = new Dictionary<EventKind, long>();
        while (r.Read())
        {
            kinds[(EventKind)r.GetInt32(0)] = r.GetInt64(1);
        }
        return kinds;
    }

    private static bool HasSeconds(DateTimeOffset t) => t.UtcTicks % TimeSpan.TicksPerMinute != 0;

    private static long Floor(long value, long step) => value - (((value % step) + step) % step);

    private static long Ceiling(long value, long step) => Floor(value + step - 1, step);
}
