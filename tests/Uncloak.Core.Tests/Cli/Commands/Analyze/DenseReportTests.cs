using System.IO.Compression;
using System.Text.Json;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 18, item 6: the analysis keeps NIC link lines compact (<c>LinkLine</c>) instead of as whole rare-event entries.
/// The reports must be the ones the build before that change wrote: <c>fixtures/dense/*.report.json.gz</c> are its
/// <c>analyze --json --no-store</c> output on the dense logs and on every NIC sample line (links of many drivers with
/// hangs and watchdog resets among them, see fixtures/dense/README.md).
/// </summary>
public sealed class DenseReportTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The reports were written on 2026-12-04; the logs' syslog lines have no year, which the file's time anchors.
    private static readonly DateTime Written = new(2026, 12, 4, 20, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Sections =
        ["lines", "malformed", "clock", "first", "last", "events", "distinct_peers", "peers", "local_ports", "treason", "interfaces",
         "syn_flood_listeners", "suppressed_messages", "timeline", "disruptions", "attacks", "findings"];

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "dense", name);

    private string Log(string name)
    {
        var log = Path.Combine(_dir, name);
        if (File.Exists(Fixture(name + ".gz")))
        {
            using var input = new GZipStream(File.OpenRead(Fixture(name + ".gz")), CompressionMode.Decompress);
            using var output = File.Create(log);
            input.CopyTo(output);
        }
        else
        {
            File.Copy(Fixture(name), log);
        }
        File.SetLastWriteTimeUtc(log, Written);
        return log;
    }

    private static JsonElement Before(string name)
    {
        using var input = new GZipStream(File.OpenRead(Fixture(Path.ChangeExtension(name, ".report.json.gz"))), CompressionMode.Decompress);
        return JsonDocument.Parse(input).RootElement.Clone();
    }

    [Theory]
    [InlineData("kern-dense.log")]
    [InlineData("dmesg-dense.log")]
    [InlineData("nic-mixed.log")]
    public void The_report_is_the_one_written_before_link_lines_were_kept_compact(string name)
    {
        var run = CliRun.Run("analyze", "--json", "--no-store", Log(name));
        Assert.True(run.ExitCode is 0 or 1, run.Error);
        var now = CliRun.Json(run.Output);
        var before = Before(name);
        Assert.True(before.GetProperty("interfaces").GetArrayLength() >= 4);
        foreach (var section in Sections.Where(s => s is not "interfaces" and not "events"))
        {
            Assert.Equal(before.GetProperty(section).GetRawText(), now.GetProperty(section).GetRawText());
        }
        AssertSameCounts(before.GetProperty("events"), now.GetProperty("events"));
        AssertSameInterfaces(before.GetProperty("interfaces"), now.GetProperty("interfaces"));
    }

    /// <summary>
    /// Every count the earlier build wrote is unchanged; the report lists every log kind, so a kind the catalog gained
    /// since (illegal_window_scale) is there too, and must be 0 on these logs.
    /// </summary>
    private static void AssertSameCounts(JsonElement before, JsonElement now)
    {
        var earlier = before.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        Assert.All(earlier, e => Assert.Equal(e.Value, now.GetProperty(e.Key).GetRawText()));
        Assert.All(now.EnumerateObject().Where(p => !earlier.ContainsKey(p.Name)), p => Assert.Equal(0, p.Value.GetInt64()));
        Assert.Equal([.. earlier.Keys], now.EnumerateObject().Select(p => p.Name).Take(earlier.Count));
    }

    /// <summary>
    /// Every field the earlier build wrote is unchanged (it listed every flap, these logs have fewer than the list holds),
    /// and the exact flap totals that schema 2 added agree with that complete list.
    /// </summary>
    private static void AssertSameInterfaces(JsonElement before, JsonElement now)
    {
        Assert.Equal(before.GetArrayLength(), now.GetArrayLength());
        for (int i = 0; i < before.GetArrayLength(); i++)
        {
            var (b, n) = (before[i], now[i]);
            foreach (var field in b.EnumerateObject())
            {
                Assert.Equal(field.Value.GetRawText(), n.GetProperty(field.Name).GetRawText());
            }
            var flaps = b.GetProperty("flaps").EnumerateArray().ToList();
            var seconds = flaps.Where(f => f.TryGetProperty("seconds", out _)).Select(f => f.GetProperty("seconds").GetDouble()).ToList();
            Assert.Equal(flaps.Count, n.GetProperty("flap_count").GetInt64());
            Assert.Equal(flaps.Count, n.GetProperty("flaps_listed").GetInt64());
            Assert.Equal(seconds.Sum(), n.GetProperty("down_seconds").GetDouble(), 0.01);
            Assert.Equal(seconds.DefaultIfEmpty(0).Max(), n.GetProperty("longest_down_seconds").GetDouble(), 0.001);
            Assert.Equal(flaps.Count > 0 && flaps[^1].GetProperty("up").ValueKind == JsonValueKind.Null, n.GetProperty("still_down").GetBoolean());
        }
    }
}
