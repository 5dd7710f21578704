using System.Text.Json;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 12, "a bundle opened with `uncloak analyze` on another machine gives the same verdict": every recorded bundle
/// under samples/forensics/bundles (the lab's own, <c>lab-*</c>, copied from the daemon that wrote them, among them) is
/// opened through the command a user runs, and its verdict is the one its <c>expected.json</c> records. Adding a folder
/// adds a case.
/// </summary>
public sealed class AnalyzeEvidenceCaseTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Folder).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    [Fact]
    public void Every_lab_fault_has_a_recorded_bundle()
    {
        foreach (var (_, name, _) in Uncloak.Lab.Faults.FaultNames.All)
        {
            Assert.True(File.Exists(Path.Combine(Folder, "lab-" + name, "expected.json")), $"no recorded bundle of the lab fault {name}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_gives_the_recorded_verdict(string name)
    {
        var expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name, "expected.json"))).RootElement;
        var (exit, output, error) = CliRun.Run("analyze", "--no-store", "--json", Path.Combine(Folder, name));
        Assert.True(exit == 0, error);
        var v = CliRun.Json(output).GetProperty("verdicts")[0];
        Assert.Equal(expect.GetProperty("layer").GetString(), v.GetProperty("layer").GetString());
        Assert.Equal(expect.GetProperty("layers").EnumerateArray().Select(l => l.GetString()).ToArray(),
            v.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetString()).ToArray());
        Assert.InRange(v.GetProperty("confidence").GetDouble(), expect.GetProperty("minConfidence").GetDouble(), 1.0);
        Assert.Empty(v.GetProperty("problems").EnumerateArray());
    }
}
