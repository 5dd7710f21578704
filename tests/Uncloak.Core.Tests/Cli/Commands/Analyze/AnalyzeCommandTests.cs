using System.IO.Compression;
using System.Text;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "store.db");

    [Fact]
    public void The_bundled_samples_analysis_names_the_nic_as_cause_and_treason_as_noise()
    {
        var (exit, stdout, _) = CliRun.Run("analyze", "--json", "--db", Db, CliRun.Demo("kern.log"), CliRun.Demo("kern.log.1.gz"));
        Assert.Equal(0, exit);
        var json = CliRun.Json(stdout);
        Assert.Equal(0, json.GetProperty("malformed").GetInt64());
        Assert.True(json.GetProperty("events").GetProperty("treason").GetInt64() > 100);
        Assert.Equal(3, json.GetProperty("events").GetProperty("netdev_watchdog").GetInt64());
        // The two lines of the original incident report are there, one treason each.
        var peers = json.GetProperty("peers").EnumerateArray().ToDictionary(p => p.GetProperty("address").GetString()!);
        Assert.Equal(1, peers["168.209.98.35"].GetProperty("events").GetProperty("treason").GetInt64());
        Assert.Equal(1, peers["24.67.253.203"].GetProperty("events").GetProperty("treason").GetInt64());
        // Peers are sorted by total events, descending.
        var totals = json.GetProperty("peers").EnumerateArray().Select(p => p.GetProperty("total").GetInt64()).ToList();
        Assert.Equal(totals.OrderByDescending(t => t), totals);
        var findings = json.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
        Assert.Equal("critical", findings["nic.eth0"].GetProperty("severity").GetString());
        Assert.Equal("info", findings["treason"].GetProperty("severity").GetString());
        Assert.Contains("background noise", findings["overall"].GetProperty("conclusion").GetString());
        Assert.Contains("eth0", findings["overall"].GetProperty("conclusion").GetString());
    }

    [Fact]
    public void A_tg3_flow_control_line_gives_its_interface_the_flow_control_without_counting_a_link_change()
    {
        // tg3 says the link is up, then on a line of its own which pause directions it negotiated.
        var log = Path.Combine(_dir, "tg3.log");
        File.WriteAllLines(log,
        [
            "Jun 17 04:12:44 web1 kernel: tg3 0000:02:00.0 eth5: Link is down",
            "Jun 17 04:12:47 web1 kernel: tg3 0000:02:00.0 eth5: Link is up at 1000 Mbps, full duplex",
            "Jun 17 04:12:47 web1 kernel: tg3 0000:02:00.0 eth5: Flow control is on for TX and on for RX",
        ]);
        foreach (var args in new[] { new[] { "analyze", "--json", "--db", Db, log }, ["analyze", "--json", "--db", Db] })
        {
            var json = CliRun.Json(CliRun.Run(args).Output);
            var eth5 = Assert.Single(json.GetProperty("interfaces").EnumerateArray());
            Assert.Equal("rx_tx", eth5.GetProperty("last_flow_control").GetString());
            Assert.Equal(1, eth5.GetProperty("link_ups").GetInt64());
            Assert.Equal(1, eth5.GetProperty("link_downs").GetInt64());
            Assert.Single(eth5.GetProperty("flaps").EnumerateArray());
        }
    }

    [Fact]
    public void Analysing_the_same_file_twice_adds_nothing_to_the_store_and_the_store_reports_alone()
    {
        var first = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db, CliRun.Demo("kern.log")).Output);
        long rowsAfterFirst = CountRows();
        var second = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db, CliRun.Demo("kern.log")).Output);
        Assert.Equal(rowsAfterFirst, CountRows());
        Assert.Equal(first.GetProperty("events").GetRawText(), second.GetProperty("events").GetRawText());
        var fromStore = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db).Output);
        Assert.Equal(first.GetProperty("events").GetRawText(), fromStore.GetProperty("events").GetRawText());
        Assert.Equal(first.GetProperty("lines").GetInt64(), fromStore.GetProperty("lines").GetInt64());
        // Firewall lines live in the store as per-minute and per-day aggregates: counts per peer are exact,
        // first/last seen of firewall-only peers are day-granular.
        string Counts(System.Text.Json.JsonElement report) => string.Join("\n", report.GetProperty("peers").EnumerateArray()
            .Select(p => p.GetProperty("address").GetString() + " " + p.GetProperty("events").GetRawText()));
        Assert.Equal(Counts(first), Counts(fromStore));
        Assert.Equal(first.GetProperty("timeline").GetProperty("series").GetRawText(), fromStore.GetProperty("timeline").GetProperty("series").GetRawText());
    }

    [Fact]
    public void A_grown_file_adds_only_its_new_lines()
    {
        var log = Path.Combine(_dir, "kern.log");
        var lines = File.ReadAllLines(CliRun.Demo("kern.log"));
        File.WriteAllLines(log, lines[..1000]);
        CliRun.Run("analyze", "--json", "--db", Db, log);
        long partial = CountRows();
        File.WriteAllLines(log, lines);
        CliRun.Run("analyze", "--json", "--db", Db, log);
        long full = CountRows();
        var fresh = Path.Combine(_dir, "fresh.db");
        CliRun.Run("analyze", "--json", "--db", fresh, log);
        Assert.True(partial < full);
        Assert.Equal(CountRows(fresh), full);
        // The firewall aggregates of the two reads add up to exactly those of one read of the whole file.
        Assert.Equal(Rollups(fresh), Rollups(Db));
    }

    [Fact]
    public void A_read_that_stopped_before_its_mark_moved_is_not_counted_twice()
    {
        // The firewall aggregates are written in the run's last commit and the source's mark moves after it: a run
        // stopped in between reads the file again next time. Simulated by setting the mark back.
        var log = Path.Combine(_dir, "kern.log");
        File.Copy(CliRun.Demo("kern.log"), log);
        CliRun.Run("analyze", "--json", "--db", Db, log);
        using (var store = Uncloak.Store.SqliteStore.Open(Db))
        {
            store.Execute("UPDATE sources SET bytes_done = 0, lines = 0");
        }
        var again = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db, log).Output);
        var fresh = Path.Combine(_dir, "fresh.db");
        var once = CliRun.Json(CliRun.Run("analyze", "--json", "--db", fresh, log).Output);
        Assert.Equal(once.GetProperty("events").GetRawText(), again.GetProperty("events").GetRawText());
        Assert.Equal(Rollups(fresh), Rollups(Db));
        Assert.Equal(Timeline(fresh), Timeline(Db));
        Assert.Equal(CountRows(fresh), CountRows());
        var fromStore = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db).Output);
        Assert.Equal(once.GetProperty("events").GetRawText(), fromStore.GetProperty("events").GetRawText());
    }

    [Fact]
    public void The_same_file_given_twice_is_stored_once()
    {
        var log = Path.Combine(_dir, "kern.log");
        File.Copy(CliRun.Demo("kern.log"), log);
        CliRun.Run("analyze", "--json", "--db", Db, log, log);
        var once = Path.Combine(_dir, "once.db");
        CliRun.Run("analyze", "--json", "--db", once, log);
        Assert.Equal(Rollups(once), Rollups(Db));
        Assert.Equal(Timeline(once), Timeline(Db));
        Assert.Equal(CountRows(once), CountRows());
    }

    /// <summary>The firewall aggregates as the store gives them back (blocks added up), one line each.</summary>
    private static List<string> Rollups(string db)
    {
        using var store = Uncloak.Store.SqliteStore.Open(db);
        var rows = Uncloak.Store.Events.EventReader.ReadRollups(store).Select(r => r.ToString()).ToList();
        Assert.NotEmpty(rows);
        // As stored (a report from the store adds them up itself), they add up to the same.
        var summed = Uncloak.Store.Events.EventReader.ReadRollupsAsStored(store)
            .GroupBy(r => (r.SourceId, r.Kind, r.Scope, r.Uptime, r.Minute, r.Peer, r.Port))
            .Select(g => g.First() with { Count = g.Sum(r => r.Count), FirstMinute = g.Min(r => r.FirstMinute), LastMinute = g.Max(r => r.LastMinute) })
            .Select(r => r.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(rows.Order(StringComparer.Ordinal), summed);
        return rows;
    }

    private static List<string> Timeline(string db)
    {
        using var store = Uncloak.Store.SqliteStore.Open(db);
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT 'm', minute, kind, count FROM event_minutes WHERE count != 0 UNION ALL SELECT 'h', hour, kind, count FROM event_hours WHERE count != 0 ORDER BY 1, 2, 3";
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            rows.Add(string.Join(",", Enumerable.Range(0, r.FieldCount).Select(i => r.GetValue(i).ToString())));
        }
        Assert.NotEmpty(rows);
        return rows;
    }

    [Fact]
    public void A_big_file_read_on_both_cores_gives_the_report_a_sequential_read_gives()
    {
        // 64 MiB and more of plain text is split into ranges read in parallel into shared tables; the same bytes
        // gzipped are read sequentially. Everything but the source's format must agree.
        var big = Path.Combine(_dir, "big.log");
        var sample = File.ReadAllBytes(CliRun.Demo("kern.log"));
        using (var file = File.Create(big))
        {
            while (file.Length < (66L << 20))
            {
                file.Write(sample);
            }
        }
        var gz = big + ".gz";
        using (var input = File.OpenRead(big))
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            input.CopyTo(output);
        }
        var parallel = CliRun.Json(CliRun.Run("analyze", "--json", "--no-store", big).Output);
        var sequential = CliRun.Json(CliRun.Run("analyze", "--json", "--no-store", gz).Output);
        // With the store too: each reader thread's sink and firewall aggregates serve its ranges one after another (five
        // ranges on two threads), and a merged range's tables are lent to a later range's builder.
        var stored = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db, big).Output);
        Assert.True(parallel.GetProperty("events").GetProperty("treason").GetInt64() > 10_000);
        foreach (var section in new[] { "lines", "events", "peers", "local_ports", "treason", "interfaces", "timeline", "disruptions", "findings" })
        {
            Assert.Equal(sequential.GetProperty(section).GetRawText(), parallel.GetProperty(section).GetRawText());
            Assert.Equal(sequential.GetProperty(section).GetRawText(), stored.GetProperty(section).GetRawText());
        }
        // From the store alone (the firewall aggregates of every range added up): the counts; a port's distinct peers
        // are not kept there.
        var fromStore = CliRun.Json(CliRun.Run("analyze", "--json", "--db", Db).Output);
        foreach (var section in new[] { "lines", "events", "timeline" })
        {
            Assert.Equal(sequential.GetProperty(section).GetRawText(), fromStore.GetProperty(section).GetRawText());
        }
        Assert.Equal(Counts(sequential), Counts(fromStore));
        static string Counts(System.Text.Json.JsonElement report) => string.Join("\n", report.GetProperty("peers").EnumerateArray()
            .Select(p => p.GetProperty("address").GetString() + " " + p.GetProperty("events").GetRawText()));
    }

    [Fact]
    public void Filters_narrow_the_report()
    {
        var json = CliRun.Json(CliRun.Run("analyze", "--json", "--no-store", "--kind", "treason", "--peer", "168.209.98.0/24", CliRun.Demo("kern.log.1.gz")).Output);
        Assert.Equal(1, json.GetProperty("events").GetProperty("treason").GetInt64());
        Assert.Equal(0, json.GetProperty("events").GetProperty("firewall_log").GetInt64());
        Assert.Single(json.GetProperty("peers").EnumerateArray());
    }

    [Fact]
    public void A_directory_a_missing_file_and_binary_garbage_are_clear_errors_while_good_files_still_count()
    {
        var garbage = Path.Combine(_dir, "garbage.bin");
        var bytes = new byte[100_000];
        new Random(1).NextBytes(bytes);
        File.WriteAllBytes(garbage, bytes);
        var (exit, stdout, stderr) = CliRun.Run("analyze", "--json", "--no-store", _dir, Path.Combine(_dir, "nope.log"), garbage, CliRun.Demo("kern.log"));
        Assert.Equal(2, exit);
        Assert.Contains("is a directory", stderr);
        Assert.Contains("nope.log: no such file", stderr);
        Assert.Contains("garbage.bin: does not look like a text log", stderr);
        var json = CliRun.Json(stdout);
        Assert.True(json.GetProperty("events").GetProperty("treason").GetInt64() > 0);
    }

    [Fact]
    public void A_truncated_gzip_reports_where_it_stopped_and_keeps_what_was_read()
    {
        var whole = File.ReadAllBytes(CliRun.Demo("kern.log.1.gz"));
        var cut = Path.Combine(_dir, "kern.log.2.gz");
        File.WriteAllBytes(cut, whole[..(whole.Length / 2)]);
        var (exit, stdout, stderr) = CliRun.Run("analyze", "--json", "--no-store", cut);
        Assert.Equal(2, exit);
        Assert.Contains("kern.log.2.gz: read failed after line", stderr);
        var json = CliRun.Json(stdout);
        Assert.True(json.GetProperty("lines").GetInt64() > 100);
        Assert.True(json.GetProperty("events").GetProperty("firewall_log").GetInt64() > 0);
    }

    [Fact]
    public void Nul_bytes_and_a_megabyte_line_inside_a_log_are_reported_with_their_position()
    {
        // NUL runs are crash damage, reported as skipped byte ranges (issue 18 item 3); the overlong line is malformed.
        var log = Path.Combine(_dir, "mixed.log");
        var good = "Jun 17 04:07:59 web1 kernel: TCP: Treason uncloaked! Peer 1.2.3.4:1/80 shrinks window 1:2. Repaired.\n";
        File.WriteAllText(log, good + "\0\0\0\n" + new string('A', 1 << 20) + "\n" + good);
        var (exit, stdout, stderr) = CliRun.Run("analyze", "--json", "--no-store", log);
        Assert.Equal(0, exit);
        var json = CliRun.Json(stdout);
        Assert.Equal(4, json.GetProperty("lines").GetInt64());
        Assert.Equal(1, json.GetProperty("malformed").GetInt64());
        Assert.Equal(2, json.GetProperty("events").GetProperty("treason").GetInt64());
        Assert.Contains("first at line 3", stderr);
        var damaged = json.GetProperty("sources")[0].GetProperty("damaged");
        Assert.Equal(1, damaged.GetProperty("ranges").GetInt64());
        Assert.Equal(good.Length, damaged.GetProperty("skipped")[0].GetProperty("offset").GetInt64());
        Assert.Equal(3, damaged.GetProperty("skipped")[0].GetProperty("length").GetInt64());
    }

    [Fact]
    public void A_file_deleted_while_being_read_is_read_to_its_end()
    {
        var log = Path.Combine(_dir, "vanishing.log");
        File.Copy(CliRun.Demo("kern.log"), log);
        using var input = Uncloak.Linux.Files.LogInput.Open(log);
        File.Delete(log);
        var scanner = new Uncloak.Core.Ingest.LogScanner(input.Format, input.EndsAround, 1);
        scanner.Scan(new Uncloak.Core.Framing.LineReader(input.Stream), new Framing.CollectingSink());
        Assert.Equal(File.ReadAllLines(CliRun.Demo("kern.log")).Length, scanner.Statistics.Lines);
    }

    [Fact]
    public void Html_report_is_self_contained_with_svg_charts()
    {
        var html = Path.Combine(_dir, "r.html");
        var (exit, _, _) = CliRun.Run("analyze", "--no-store", "--html", html, CliRun.Demo("kern.log"));
        Assert.Equal(0, exit);
        var text = File.ReadAllText(html);
        Assert.StartsWith("<!DOCTYPE html>", text);
        Assert.Contains("<svg", text);
        Assert.DoesNotContain("<script", text);
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/2000/svg", ""));
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, CliRun.Run("analyze", "--since", "yesterday-ish", CliRun.Demo("kern.log")).ExitCode);
        Assert.Equal(2, CliRun.Run("analyze", "--kind", "nonsense", CliRun.Demo("kern.log")).ExitCode);
        Assert.Equal(2, CliRun.Run("analyze", "--bogus-flag").ExitCode);
    }

    [Fact]
    public void A_mistyped_option_is_refused_as_an_option_before_any_store_is_opened()
    {
        var (exit, output, error) = CliRun.Run("analyze", "--db", Db, "--bogus-flag", CliRun.Demo("kern.log"));
        Assert.Equal(2, exit);
        Assert.Contains("unknown option '--bogus-flag'", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void Inputs_that_all_do_not_exist_exit_2_without_creating_the_store_or_printing_a_report()
    {
        var (exit, output, error) = CliRun.Run("analyze", "--db", Db, Path.Combine(_dir, "kern.log"), Path.Combine(_dir, "kern.log.1"));
        Assert.Equal(2, exit);
        Assert.Contains("kern.log: no such file", error, StringComparison.Ordinal);
        Assert.Contains("kern.log.1: no such file", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public void A_missing_file_beside_a_readable_one_is_reported_with_the_rest()
    {
        var (exit, output, error) = CliRun.Run("analyze", "--json", "--db", Db, Path.Combine(_dir, "gone.log"), CliRun.Demo("kern.log"));
        Assert.Equal(2, exit);
        Assert.Contains("gone.log: no such file", error, StringComparison.Ordinal);
        Assert.True(CliRun.Json(output).GetProperty("events").GetProperty("treason").GetInt64() > 100);
    }

    [Fact]
    public void Fail_on_turns_findings_into_exit_1()
        => Assert.Equal(1, CliRun.Run("analyze", "--no-store", "--json", "--fail-on", "critical", CliRun.Demo("kern.log")).ExitCode);

    private long CountRows(string? db = null) => Store.Events.StoredRows.In(db ?? Db).Count;
}
