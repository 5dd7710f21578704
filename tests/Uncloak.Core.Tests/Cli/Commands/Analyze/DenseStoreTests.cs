using System.IO.Compression;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;
using Uncloak.Store.Timeline;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 18, item 6: on a log of a misbehaving host the store keeps the repetitive rare kinds (conntrack-full,
/// out-of-memory, orphans, SYN-flood) as one row per kind, form, listener and minute with a count. Every report built
/// from the store alone must be the one built from the file, and the dashboard's per-minute counts must hold.
/// </summary>
public sealed class DenseStoreTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "store.db");

    /// <summary>The fixture unpacked: 17,055 syslog lines or 8,000 dmesg lines (fixtures/dense/README.md).</summary>
    private string Unpack(string name)
    {
        var log = Path.Combine(_dir, name);
        using var input = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "dense", name + ".gz")), CompressionMode.Decompress);
        using var output = File.Create(log);
        input.CopyTo(output);
        return log;
    }

    private static readonly string[] Sections =
        ["lines", "malformed", "clock", "first", "last", "events", "distinct_peers", "peers", "local_ports", "treason", "interfaces",
         "syn_flood_listeners", "suppressed_messages", "timeline", "disruptions", "attacks", "findings"];

    private static void AssertSameReport(JsonElement fromFile, JsonElement fromStore)
    {
        foreach (var section in Sections)
        {
            Assert.Equal(fromFile.GetProperty(section).GetRawText(), fromStore.GetProperty(section).GetRawText());
        }
        var (a, b) = (fromFile.GetProperty("sources")[0], fromStore.GetProperty("sources")[0]);
        Assert.Equal(a.GetProperty("lines").GetInt64(), b.GetProperty("lines").GetInt64());
        Assert.Equal(a.GetProperty("events").GetInt64(), b.GetProperty("events").GetInt64());
    }

    private JsonElement Analyze(params string[] files)
    {
        var run = CliRun.Run(["analyze", "--json", "--db", Db, .. files]);
        Assert.True(run.ExitCode is 0 or 1, run.Error);
        return CliRun.Json(run.Output);
    }

    private (long Rows, long Weight) StoredRows()
    {
        var rows = Store.Events.StoredRows.In(Db);
        return (rows.Count, rows.Sum(r => r.Weight));
    }

    private long LinkRows() => Store.Events.StoredRows.In(Db).Count(r => r.Kind == EventKind.NicLink);

    /// <summary>SYN-flood rows, and the distinct minutes of those that have a date.</summary>
    private (long Rows, long Dated, long Minutes) SynFloodRows()
    {
        var syn = Store.Events.StoredRows.In(Db).Where(r => r.Kind == EventKind.SynFlood).ToList();
        return (syn.Count, syn.Count(r => r.TimeMs is not null), syn.Where(r => r.TimeMs is not null).Select(r => r.TimeMs / 60000).Distinct().Count());
    }

    [Theory]
    [InlineData("kern-dense.log")]
    [InlineData("dmesg-dense.log")]
    public void A_report_rebuilt_from_the_store_equals_the_one_built_from_the_dense_file(string name)
    {
        var log = Unpack(name);
        var fromFile = Analyze(log);
        var fromStore = Analyze();
        AssertSameReport(fromFile, fromStore);

        long events = fromFile.GetProperty("sources")[0].GetProperty("events").GetInt64();
        long collapsed = new[] { "syn_flood", "conntrack_full", "tcp_out_of_memory", "too_many_orphans" }
            .Sum(k => fromFile.GetProperty("events").GetProperty(k).GetInt64());
        var (rows, weight) = StoredRows();
        Assert.Equal(events, weight);
        // Thousands of those lines became a few rows per minute: far fewer rows than lines.
        Assert.True(rows < events - collapsed / 2, $"{rows:N0} rows for {events:N0} events of which {collapsed:N0} collapse");

        // The link lines of one interface and minute are one row too, each line read back (the flaps above pair as before).
        long links = fromFile.GetProperty("events").GetProperty("nic_link").GetInt64();
        long linkRows = LinkRows();
        Assert.True(links > 2000 && linkRows * 4 < links, $"{linkRows:N0} link rows for {links:N0} link lines");

        // The SYN-flood lines of one minute are one row whatever their listener and action (several of each here),
        // and every listener's count comes back (syn_flood_listeners above).
        var listeners = fromFile.GetProperty("syn_flood_listeners");
        Assert.True(listeners.GetArrayLength() > 2, listeners.GetRawText());
        var (synRows, dated, minutes) = SynFloodRows();
        Assert.True(synRows > 0 && (dated == 0 || dated == minutes), $"{synRows:N0} SYN-flood rows, {dated:N0} dated in {minutes:N0} minutes");
        Assert.True(synRows * 2 < fromFile.GetProperty("events").GetProperty("syn_flood").GetInt64(), $"{synRows:N0} SYN-flood rows");

        // Read again: nothing added, the report unchanged.
        Analyze(log);
        Assert.Equal((rows, weight), StoredRows());
        AssertSameReport(fromFile, Analyze());
    }

    [Fact]
    public void A_file_read_in_two_steps_stores_what_one_read_does()
    {
        var whole = Unpack("kern-dense.log");
        var log = Path.Combine(_dir, "growing.log");
        var lines = File.ReadAllLines(whole);
        // Cut in the middle of a minute, so a minute's runs are split between the two reads.
        File.WriteAllLines(log, lines[..(lines.Length / 2 + 37)]);
        Analyze(log);
        File.WriteAllLines(log, lines);
        var fromFile = CliRun.Json(CliRun.Run("analyze", "--json", "--no-store", log).Output);
        Analyze(log);
        AssertSameReport(fromFile, Analyze());
        Assert.Equal(fromFile.GetProperty("sources")[0].GetProperty("events").GetInt64(), StoredRows().Weight);
    }

    [Fact]
    public void The_dashboards_minute_counts_are_the_reports_timeline()
    {
        var fromFile = Analyze(Unpack("kern-dense.log"));
        var timeline = fromFile.GetProperty("timeline");
        Assert.Equal(60, timeline.GetProperty("bucket_seconds").GetInt32());
        long start = TimelineCounts.UnixMinute(timeline.GetProperty("start").GetDateTime().ToUniversalTime());
        var expected = new SortedSet<(long, string, long)>();
        foreach (var series in timeline.GetProperty("series").EnumerateObject())
        {
            int i = 0;
            foreach (var count in series.Value.EnumerateArray())
            {
                if (count.GetInt64() > 0)
                {
                    expected.Add((start + i, series.Name, count.GetInt64()));
                }
                i++;
            }
        }
        var stored = new SortedSet<(long, string, long)>();
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT minute, kind, count FROM event_minutes";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            stored.Add((r.GetInt64(0), ((EventKind)r.GetInt32(1)).Name(), r.GetInt64(2)));
        }
        Assert.True(expected.Count > 500);
        Assert.Equal(expected, stored);
    }

    [Fact]
    public void A_store_written_before_runs_became_columns_is_migrated_and_rebuilds_the_same_report()
    {
        var files = new[] { Unpack("kern-dense.log"), Unpack("dmesg-dense.log") };
        var fromFile = CliRun.Json(CliRun.Run(["analyze", "--json", "--no-store", .. files]).Output);
        // The store the build before migration 44 wrote for these two logs (fixtures/dense/README.md).
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            using var load = c.CreateCommand();
            using var dump = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "dense", "store-v43.sql.gz")), CompressionMode.Decompress));
            load.CommandText = dump.ReadToEnd();
            load.ExecuteNonQuery();
            Assert.Equal(991L, Scalar(c, "SELECT count(*) FROM event_runs"));
        }

        var fromStore = Analyze();
        foreach (var section in Sections)
        {
            Assert.Equal(fromFile.GetProperty(section).GetRawText(), fromStore.GetProperty(section).GetRawText());
        }
        Assert.Equal(SourceCounts(fromFile), SourceCounts(fromStore));
        var (rows, weight) = StoredRows();
        Assert.Equal(1833, rows);
        Assert.Equal(fromFile.GetProperty("sources").EnumerateArray().Sum(s => s.GetProperty("events").GetInt64()), weight);
        using (var c = new SqliteConnection($"Data Source={Db};Pooling=False"))
        {
            c.Open();
            Assert.True(Scalar(c, "PRAGMA user_version") >= 44);
            Assert.Equal(0L, Scalar(c, "SELECT count(*) FROM sqlite_schema WHERE name IN ('event_runs', 'event_lines', 'event_listeners')"));
            Assert.Equal(495L + 124L, Scalar(c, "SELECT count(*) FROM events WHERE lines IS NOT NULL"));
        }

        // Read again into the migrated store: nothing added, the report unchanged.
        Analyze(files);
        Assert.Equal((rows, weight), StoredRows());
        var again = Analyze();
        foreach (var section in Sections)
        {
            Assert.Equal(fromFile.GetProperty(section).GetRawText(), again.GetProperty(section).GetRawText());
        }
    }

    private static SortedDictionary<string, (long Lines, long Events)> SourceCounts(JsonElement report)
        => new(report.GetProperty("sources").EnumerateArray().ToDictionary(
            s => Path.GetFileName(s.GetProperty("name").GetString()!),
            s => (s.GetProperty("lines").GetInt64(), s.GetProperty("events").GetInt64())), StringComparer.Ordinal);

    private static long Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
