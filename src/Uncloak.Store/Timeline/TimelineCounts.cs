using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Timeline;

/// <summary>
/// Counts stored events per minute and kind while a writer inserts them, and adds the counts to
/// <c>event_minutes</c> and <c>event_hours</c> in the writer's transaction (migration 40): the timeline then reads
/// a few hundred aggregate rows for 30 days instead of scanning millions of events. Not thread-safe: one per writer.
/// </summary>
public sealed class TimelineCounts
{
    /// <summary><see cref="DateTime.Ticks"/> minutes (the rollups' wall-clock buckets) at the unix epoch.</summary>
    public const long UnixEpochMinute = 621_355_968_000_000_000 / TimeSpan.TicksPerMinute;

    private readonly Dictionary<(long Minute, EventKind Kind), long> _counts;

    /// <summary>
    /// Counts for up to <paramref name="capacity"/> minutes and kinds before the table grows: a bulk writer gives tens of
    /// thousands (58,000 on the 2 M-line dense log), and each growth past a few thousand is a large object, which counts
    /// toward a full collection (issue 18, item 6: the writer's collections were mostly the timeline's growth).
    /// </summary>
    public TimelineCounts(int capacity = 0) => _counts = new(capacity);

    /// <summary>Minutes and kinds counted since the last <see cref="Flush"/>.</summary>
    public int Pending => _counts.Count;

    /// <summary>Counts one stored event; an event with only an uptime clock has no place on the timeline.</summary>
    public void Add(in NetEvent ev)
    {
        if (ev.HasTime)
        {
            Add(UnixMinute(ev.Time), ev.Kind, 1);
        }
    }

    /// <summary>
    /// Counts <paramref name="count"/> events of <paramref name="kind"/> in unix minute <paramref name="minute"/>; a
    /// negative count takes back what an earlier commit added (aggregates a later run replaces).
    /// </summary>
    public void Add(long minute, EventKind kind, long count)
    {
        if (count != 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, (minute, kind), out _) += count;
        }
    }

    /// <summary>The unix minute of a UTC time.</summary>
    public static long UnixMinute(DateTime time) => (time.Ticks / TimeSpan.TicksPerMinute) - UnixEpochMinute;

    /// <summary>Adds what was counted to both tables inside <paramref name="tx"/> and starts counting afresh.</summary>
    public void Flush(SqliteConnection connection, SqliteTransaction? tx)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_counts.Count == 0)
        {
            return;
        }
        // Bound by position on SQLite's own API (SqliteStatement): a dense log has tens of thousands of minutes and
        // kinds per commit, and through ADO.NET each upsert boxed its three values and looked its parameters up by name.
        // In key order: parallel readers interleave the minutes of two parts of the log, and an upsert in key order
        // finds its B-tree page where the previous one left off.
        var hours = new Dictionary<(long Hour, EventKind Kind), long>();
        // Sorted as one long per key (minute, then kind) with its count beside it: sorting the pairs with a comparison
        // of their tuples took more of the writer's thread than the upserts (58,000 minutes and kinds on the 2 M-line
        // dense log, issue 18 item 6).
        var keys = new long[_counts.Count];
        var counts = new long[_counts.Count];
        int n = 0;
        foreach (var ((minute, kind), count) in _counts)
        {
            keys[n] = SortKey(minute, kind);
            counts[n++] = count;
        }
        Array.Sort(keys, counts);
        using (var minutes = new SqliteStatement(connection, """
            INSERT INTO event_minutes(minute, kind, count) VALUES (?1, ?2, ?3)
            ON CONFLICT(minute, kind) DO UPDATE SET count = count + excluded.count
            """))
        {
            for (int i = 0; i < keys.Length; i++)
            {
                var (minute, kind, count) = (Minute(keys[i]), Kind(keys[i]), counts[i]);
                minutes.Bind(1, minute);
                minutes.Bind(2, (int)kind);
                minutes.Bind(3, count);
                minutes.Execute();
                CollectionsMarshal.GetValueRefOrAddDefault(hours, (minute / 60, kind), out _) += count; // as migration 40 divides
            }
        }
        using (var perHour = new SqliteStatement(connection, """
            INSERT INTO event_hours(hour, kind, count) VALUES (?1, ?2, ?3)
            ON CONFLICT(hour, kind) DO UPDATE SET count = count + excluded.count
            """))
        {
            foreach (var ((hour, kind), count) in hours)
            {
                perHour.Bind(1, hour);
                perHour.Bind(2, (int)kind);
                perHour.Bind(3, count);
                perHour.Execute();
            }
        }
        _counts.Clear();
    }

    // Kinds are below 256, so minute * 256 + kind orders as (minute, kind) does, negative minutes included.
    /// <summary>One long per minute and kind that sorts as the pair does (minute, then kind): a kind is a byte.</summary>
    internal static long SortKey(long minute, EventKind kind) => minute * 256 + (byte)kind;

    internal static long Minute(long key) => (key - (byte)key) / 256;

    internal static EventKind Kind(long key) => (EventKind)(byte)key;
}
