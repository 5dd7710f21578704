using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 16: `analyze` and `report` disagreed on the same data about what preceded a disruption (analyze opened the
/// conntrack disruption 60 s before its first line, report at it; analyze listed every signal, report merged them).
/// </summary>
public sealed class DisruptionAgreementTests
{
    [Fact]
    public void Analyze_and_report_name_the_same_disruption_windows_on_the_same_logs()
    {
        var dir = CliRun.TempDir();
        try
        {
            var db = Path.Combine(dir, "u.db");
            var analyzed = CliRun.Run("analyze", "--json", "--db", db, CliRun.Demo("kern.log"), CliRun.Demo("kern.log.1.gz"));
            Assert.True(analyzed.ExitCode == 0, analyzed.Error);
            var fromAnalyze = CliRun.Json(analyzed.Output).GetProperty("disruptions").EnumerateArray()
                .Select(d => (Start(d, "start"), Start(d, "end"), d.GetProperty("cause").GetString())).ToList();

            var reported = CliRun.Run("report", "--json", "--db", db);
            Assert.True(reported.ExitCode == 0, reported.Error);
            var json = CliRun.Json(reported.Output);
            Assert.Equal("logs", json.GetProperty("outages_from").GetString());
            var fromReport = json.GetProperty("outages").EnumerateArray()
                .Select(o => (Start(o, "start"), Start(o, "end"), o.GetProperty("cause").GetString())).ToList();

            // The demo logs hold hangs with their link flaps and a burst of conntrack-full lines: several windows, some merged.
            Assert.True(fromAnalyze.Count >= 3, $"{fromAnalyze.Count} disruptions");
            Assert.Equal(fromAnalyze, fromReport);
            var conntrack = Assert.Single(fromAnalyze, d => d.Item3!.Contains("conntrack full", StringComparison.Ordinal));
            // The window opens at the first conntrack-full line (15:20:10 after the SYN-flood line at 15:20:03 that does
            // not disrupt: cookies were on), not a minute before it.
            Assert.Equal(new TimeSpan(15, 20, 10), conntrack.Item1.TimeOfDay);
            Assert.Equal(conntrack.Item1.Date.AddHours(15).AddMinutes(22).AddSeconds(5), conntrack.Item2);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Both documents' times to the second (analyze writes whole seconds).</summary>
    private static DateTime Start(JsonElement e, string name)
    {
        var t = DateTime.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }
}
