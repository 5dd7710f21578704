using Uncloak.Tests;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

/// <summary>
/// Issue 18: real lines quoted in public bug reports and forum posts (samples/wild, sources in its SOURCES.md) decode to
/// their family with the fields a reader of the post would name, and <c>analyze</c> counts each file's lines as exactly
/// those events: a line that is not ours is never an event of some kind.
/// </summary>
public sealed class WildLineTests
{
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static string Directory => CliRun.Demo("wild");

    private static IEnumerable<string> Files() => System.IO.Directory.EnumerateFiles(Directory, "*.log").Order(StringComparer.Ordinal);

    private static IEnumerable<SampleLine> Lines() => Files().SelectMany(SampleLine.Read);

    public static TheoryData<string> Samples() => [.. Lines().Select(s => s.ToString())];

    public static TheoryData<string> FileNames() => [.. Files().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Samples))]
    public void A_line_from_the_wild_decodes_to_its_family_and_fields(string id)
        => SampleFileTests.AssertDecodes(Lines().Single(s => s.ToString() == id), LogEnd);

    [Theory]
    [MemberData(nameof(FileNames))]
    public void Analyze_counts_a_wild_file_as_exactly_its_expected_events(string name)
    {
        var file = Path.Combine(Directory, name);
        var expected = SampleLine.Read(file)
            .Where(s => s.Expect.TryGetProperty("kind", out _))
            .GroupBy(s => s.Expect.GetProperty("kind").GetString()!)
            .ToDictionary(g => g.Key, g => (long)g.Count());

        var run = CliRun.Run("analyze", "--json", "--no-store", file);

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        var events = CliRun.Json(run.Output).GetProperty("events");
        foreach (var kind in events.EnumerateObject())
        {
            Assert.Equal(expected.GetValueOrDefault(kind.Name), kind.Value.GetInt64());
        }
    }

    [Fact]
    public void The_wild_lines_are_at_least_sixty_and_each_has_its_source()
    {
        var lines = Lines().ToList();
        var sources = File.ReadAllText(Path.Combine(Directory, "SOURCES.md"));
        Assert.True(lines.Count >= 60, $"{lines.Count} wild lines");
        Assert.All(lines, l => Assert.Contains($"`{l.Line.Trim().Replace("|", "\\|", StringComparison.Ordinal)}` | http", sources, StringComparison.Ordinal));
    }

    [Fact]
    public void An_old_kernels_ratelimit_count_is_reported_apart_from_the_network_budget()
    {
        var run = CliRun.Run("analyze", "--json", "--no-store", Path.Combine(Directory, "ratelimit_suppressed.log"));

        Assert.True(run.ExitCode is 0 or 1, run.Error);
        var report = CliRun.Json(run.Output);
        Assert.Equal(241 + 4063, report.GetProperty("suppressed_messages").GetInt64());
        Assert.Equal(1832 + 887 + 908 + 83 + 228, report.GetProperty("suppressed_any_messages").GetInt64());
        var ids = report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains("ratelimit", ids);
        Assert.Contains("ratelimit_any", ids);
    }
}
