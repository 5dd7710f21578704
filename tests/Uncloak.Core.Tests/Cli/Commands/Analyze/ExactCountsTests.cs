using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Uncloak.Core.Analysis;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 18: the replay's per-reader limit of rare-event entries (<c>RareRuns</c>, 200,000) used to drop what came past
/// it, so a 2 M-line dense log reported a fifth of its link flaps and a report rebuilt from the store half its SYN-flood
/// counts. Past the limit the entries are now replayed in chunks: every count must be the one a replay of every line
/// gives. The limit is set small here (<see cref="RareRuns.LimitOverride"/>) so that the dense fixtures cross it many times.
/// </summary>
public sealed class ExactCountsTests : IDisposable
{
    private const int SmallLimit = 300;

    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Sections =
        ["lines", "malformed", "clock", "first", "last", "events", "distinct_peers", "peers", "local_ports", "treason", "interfaces",
         "syn_flood_listeners", "suppressed_messages", "timeline", "disruptions", "attacks", "findings"];

    private string Unpack(string name)
    {
        var log = Path.Combine(_dir, name);
        using var input = new GZipStream(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "fixtures", "dense", name + ".gz")), CompressionMode.Decompress);
        using var output = File.Create(log);
        input.CopyTo(output);
        return log;
    }

    private static JsonElement Analyze(int? limit, params string[] args)
    {
        var before = RareRuns.LimitOverride.Value;
        RareRuns.LimitOverride.Value = limit;
        try
        {
            var run = CliRun.Run(["analyze", "--json", .. args]);
            Assert.True(run.ExitCode is 0 or 1, run.Error);
            return CliRun.Json(run.Output);
        }
        finally
        {
            RareRuns.LimitOverride.Value = before;
        }
    }

    /// <summary>
    /// Every section equal; in a disruption whose causes first appear at the same time, their order follows how the
    /// lines were grouped into runs and chunks (windows of one start end differently), so causes compare as sets there
    /// and findings by id, severity and headline.
    /// </summary>
    private static void AssertSameReport(JsonElement expected, JsonElement actual)
    {
        foreach (var section in Sections.Where(s => s is not ("disruptions" or "findings")))
        {
            Assert.Equal(expected.GetProperty(section).GetRawText(), actual.GetProperty(section).GetRawText());
        }
        var (a, b) = (expected.GetProperty("disruptions"), actual.GetProperty("disruptions"));
        Assert.Equal(a.GetArrayLength(), b.GetArrayLength());
        for (int i = 0; i < a.GetArrayLength(); i++)
        {
            foreach (var field in new[] { "start", "end", "signals" })
            {
                Assert.Equal(a[i].GetProperty(field).GetRawText(), b[i].GetProperty(field).GetRawText());
            }
            Assert.Equal(Causes(a[i]), Causes(b[i]));
        }
        var (fa, fb) = (expected.GetProperty("findings"), actual.GetProperty("findings"));
        Assert.Equal(fa.GetArrayLength(), fb.GetArrayLength());
        for (int i = 0; i < fa.GetArrayLength(); i++)
        {
            foreach (var field in fa[i].EnumerateObject().Where(f => f.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number && f.Name != "conclusion"))
            {
                Assert.Equal(field.Value.GetRawText(), fb[i].GetProperty(field.Name).GetRawText());
            }
        }
    }

    private static string[] Causes(JsonElement disruption)
        => [.. disruption.GetProperty("cause").GetString()!.Split(", ").Order(StringComparer.Ordinal)];

    private static long RareLines(JsonElement report)
        => new[] { "nic_link", "syn_flood", "conntrack_full", "tcp_out_of_memory", "too_many_orphans" }
            .Sum(k => report.GetProperty("events").GetProperty(k).GetInt64());

    [Theory]
    [InlineData("kern-dense.log")]
    [InlineData("dmesg-dense.log")]
    public void Counts_past_the_limit_are_those_of_a_replay_of_every_line(string name)
    {
        var log = Unpack(name);
        var whole = Analyze(null, "--no-store", log);
        var chunked = Analyze(SmallLimit, "--no-store", log);
        Assert.True(RareLines(whole) > 10 * SmallLimit, $"{RareLines(whole)} rare lines");
        Assert.True(whole.GetProperty("interfaces").EnumerateArray().Sum(i => i.GetProperty("flap_count").GetInt64()) > SmallLimit / 2);
        AssertSameReport(whole, chunked);
    }

    [Theory]
    [InlineData("kern-dense.log")]
    [InlineData("dmesg-dense.log")]
    public void A_report_rebuilt_from_the_store_past_the_limit_equals_the_one_built_from_the_file(string name)
    {
        var log = Unpack(name);
        var db = Path.Combine(_dir, "store.db");
        var whole = Analyze(null, "--no-store", log);
        var fromFile = Analyze(SmallLimit, "--db", db, log);
        var fromStore = Analyze(SmallLimit, "--db", db);
        AssertSameReport(whole, fromFile);
        AssertSameReport(whole, fromStore);
    }

    [Fact]
    public void A_flapping_interface_lists_its_latest_flaps_and_counts_every_one()
    {
        // 2,500 flaps of eth0, the n-th down for n seconds (a minute apart), then one more down that never comes back up.
        const int flaps = 2500;
        var log = Path.Combine(_dir, "flapping.log");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var lines = new List<string>();
        for (int n = 1; n <= flaps; n++)
        {
            var down = start.AddMinutes(n);
            lines.Add(Line(down, "NIC Link is Down"));
            lines.Add(Line(down.AddSeconds(n % 50 + 1), "NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None"));
        }
        lines.Add(Line(start.AddMinutes(flaps + 1), "NIC Link is Down"));
        File.WriteAllLines(log, lines);
        File.SetLastWriteTimeUtc(log, start.AddDays(3));

        foreach (int? limit in new int?[] { null, SmallLimit })
        {
            var nic = Analyze(limit, "--no-store", log).GetProperty("interfaces")[0];

            Assert.Equal(flaps + 1, nic.GetProperty("flap_count").GetInt64());
            Assert.Equal(flaps, nic.GetProperty("link_ups").GetInt64());
            Assert.Equal(flaps + 1, nic.GetProperty("link_downs").GetInt64());
            Assert.Equal(InterfaceStats.FlapsListed, nic.GetProperty("flaps_listed").GetInt64());
            long seconds = Enumerable.Range(1, flaps).Sum(n => (long)(n % 50 + 1));
            Assert.Equal(seconds, nic.GetProperty("down_seconds").GetDouble());
            Assert.Equal(50, nic.GetProperty("longest_down_seconds").GetDouble());
            Assert.True(nic.GetProperty("still_down").GetBoolean());
            var listed = nic.GetProperty("flaps").EnumerateArray().ToList();
            Assert.Equal(InterfaceStats.FlapsListed, listed.Count);
            // The latest: the last one still down, the first listed the 1,502nd flap.
            Assert.Equal(JsonValueKind.Null, listed[^1].GetProperty("up").ValueKind);
            Assert.Equal(start.AddMinutes(flaps + 2 - InterfaceStats.FlapsListed), listed[0].GetProperty("down").GetDateTime().ToUniversalTime());
        }
    }

    private static string Line(DateTime time, string text)
        => string.Create(CultureInfo.InvariantCulture, $"{time:MMM} {time.Day,2} {time:HH:mm:ss} web1 kernel: e1000e: eth0 {text}");
}
