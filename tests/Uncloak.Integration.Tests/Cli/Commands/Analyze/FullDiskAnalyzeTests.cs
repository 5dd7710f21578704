using System.Text;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Integration.Tests.Cli.Commands.Analyze;

/// <summary>Issue 17 item 4, second half: `analyze` onto a full disk reports what it read and says the store failed.</summary>
public sealed class FullDiskAnalyzeTests
{
    [RootFact]
    public void Analyze_onto_a_full_disk_prints_the_whole_report_then_says_the_store_failed_with_exit_3()
    {
        // 50,000 events with their text take about 15 MB: the disk holds them once the filler is gone.
        using var disk = new TinyDisk(48);
        var dir = Directory.CreateTempSubdirectory("uncloak-rel-analyze-");
        try
        {
            string db = Path.Combine(disk.Dir, "u.db");
            SqliteStore.Open(db).Dispose();
            var log = Path.Combine(dir.FullName, "kern.log");
            var text = new StringBuilder();
            for (int i = 0; i < 50_000; i++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"2026-12-03T10:{i / 1000 % 60:00}:{i / 20 % 60:00}.000000+00:00 web1 kernel: TCP: Peer 198.18.{i / 250 % 250}.{i % 250 + 1}:{1024 + i % 60000}/443 unexpectedly shrunk window 1:2 (repaired)\n");
            }
            File.WriteAllText(log, text.ToString());
            disk.Fill(keepBytes: 96 * 1024);

            var r = CliRun.Run("analyze", "--json", "--db", db, log);
            Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}\n{r.Error}");
            Assert.Equal(50_000, r.Json.GetProperty("lines").GetInt64());
            Assert.Equal(50_000, r.Json.GetProperty("events").GetProperty("treason").GetInt64());
            Assert.Contains("the store failed", r.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("AggregateException", r.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);

            // Space back: the same file is read again and stored whole.
            disk.Free();
            var again = CliRun.Run("analyze", "--json", "--db", db, log);
            Assert.True(again.ExitCode == 0, again.Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
