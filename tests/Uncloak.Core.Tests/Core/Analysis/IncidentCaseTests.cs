using System.Text.Json;
using Uncloak.Core.Analysis;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Core.Reports;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>
/// Real incidents with a confirmed cause (fixtures/incidents, sources and causes in SOURCES.md): each
/// <c>NAME.expect.json</c> says what a competent engineer concludes from <c>NAME.log</c> — the finding that names the
/// cause, its severity, the verdict on top, what the text must say and the wrong causes it must not claim — and, when
/// the incident left outage evidence (the folder <c>NAME/</c> laid out like a bundle: before/, during/, probes.txt; the
/// log is its kernel.log), the layer the localizer must name and the layers it must not. Adding a pair adds a case.
/// </summary>
public sealed class IncidentCaseTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "fixtures", "incidents");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names())
        {
            data.Add(name);
        }
        return data;
    }

    private static List<string> Names()
        => Directory.EnumerateFiles(Folder, "*.expect.json").Select(f => Path.GetFileName(f)[..^".expect.json".Length]).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Every_incident_has_expectations_a_source_and_at_least_fifteen_are_there()
    {
        var sources = File.ReadAllText(Path.Combine(Folder, "SOURCES.md"));
        var names = Names();
        Assert.True(names.Count >= 15, $"{names.Count} incidents");
        foreach (var name in names)
        {
            Assert.Contains($"`{name}`", sources, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Folder, name + ".log")) || Directory.Exists(Path.Combine(Folder, name)), name);
        }
        foreach (var log in Directory.EnumerateFiles(Folder, "*.log"))
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(log), names);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_names_the_confirmed_cause_and_no_wrong_one(string name)
    {
        var expect = Expect(name);
        if (!expect.TryGetProperty("analyze", out var a))
        {
            Assert.False(File.Exists(Path.Combine(Folder, name + ".log")), $"{name}.log has no analyze expectations");
            return;
        }
        var report = Analyse(name);
        var findings = report.Findings;
        Assert.Equal("overall", findings[0].Id);
        Assert.Equal(Parse(a.GetProperty("verdict_severity")), findings[0].Severity);

        // The finding that carries the cause: the worst one below the verdict (the first of equals, in rule order).
        var top = findings.Skip(1).OrderByDescending(f => f.Severity).First();
        string id = a.GetProperty("top").GetString()!;
        Assert.True(id.EndsWith('*') ? top.Id.StartsWith(id[..^1], StringComparison.Ordinal) : top.Id == id,
            $"top finding {top.Id} ({top.Severity}), expected {id}; all: {string.Join(", ", findings.Select(f => $"{f.Id}:{f.Severity}"))}");
        Assert.Equal(Parse(a.GetProperty("severity")), top.Severity);

        string topText = Text(top);
        foreach (var s in Strings(a, "says"))
        {
            Assert.Contains(s, topText, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var s in Strings(a, "verdict_says"))
        {
            Assert.Contains(s, findings[0].Conclusion, StringComparison.OrdinalIgnoreCase);
        }
        foreach (var prefix in Strings(a, "no_finding"))
        {
            Assert.DoesNotContain(findings, f => f.Id.StartsWith(prefix, StringComparison.Ordinal));
        }
        string all = string.Join("\n", findings.Select(Text));
        foreach (var s in Strings(a, "never_says"))
        {
            Assert.DoesNotContain(s, all, StringComparison.OrdinalIgnoreCase);
        }

        // The --json report says the same: the verdict first, the cause's finding with its severity.
        var json = Json(report).GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal("overall", json[0].GetProperty("id").GetString());
        Assert.Contains(json, f => f.GetProperty("id").GetString() == top.Id);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outage_evidence_is_localized_to_the_layer_of_the_confirmed_cause(string name)
    {
        var expect = Expect(name);
        string dir = Path.Combine(Folder, name);
        if (!expect.TryGetProperty("localize", out var l))
        {
            Assert.False(Directory.Exists(dir), $"{name}/ has no localize expectations");
            return;
        }
        var verdict = Localizer.Localize(Evidence(name));
        string layers = string.Join(", ", verdict.Layers.Select(s => $"{s.Layer.Name()} {s.Score}"));
        Assert.True(l.GetProperty("layer").GetString() == verdict.Layer.Name(), $"{verdict.Summary} [{layers}]");
        Assert.InRange(verdict.Confidence, l.GetProperty("min_confidence").GetDouble(), 1.0);
        foreach (var wrong in Strings(l, "not_layers"))
        {
            Assert.DoesNotContain(verdict.Layers, s => s.Layer.Name() == wrong);
        }
        foreach (var s in Strings(l, "says"))
        {
            Assert.Contains(verdict.Reasoning, r => r.Contains(s, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static AnalysisReport Analyse(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, name + ".log"));
        var reference = Reference(name);
        var format = LogFormatDetector.Detect(bytes, reference);
        var scanner = new LogScanner(format, reference, sourceId: 0);
        var builder = new AnalysisBuilder();
        using var stream = new MemoryStream(bytes, writable: false);
        scanner.Scan(new LineReader(stream), builder);
        Assert.True(scanner.Statistics.Lines > 0, name);
        return builder.Build();
    }

    /// <summary>The folder read the way a bundle is (BundleEvidence), with the incident's log as its kernel.log.</summary>
    private static IncidentEvidence Evidence(string name)
    {
        string dir = Path.Combine(Folder, name);
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => new BundleFile(Path.GetRelativePath(dir, f).Replace('\\', '/'), File.ReadAllBytes(f))).ToList();
        string log = Path.Combine(Folder, name + ".log");
        if (File.Exists(log))
        {
            files.Add(new BundleFile(BundleLayout.KernelName, File.ReadAllBytes(log)));
        }
        return BundleEvidence.Read(files, Reference(name));
    }

    /// <summary>When the log was read: the year for lines that carry none.</summary>
    private static DateTime Reference(string name)
        => DateTime.SpecifyKind(DateTime.Parse(Expect(name).GetProperty("logged").GetString()!, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static JsonElement Expect(string name)
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".expect.json"))).RootElement.Clone();

    private static IEnumerable<string> Strings(JsonElement e, string property)
        => e.TryGetProperty(property, out var a) ? a.EnumerateArray().Select(s => s.GetString()!) : [];

    private static Severity Parse(JsonElement e) => Enum.Parse<Severity>(e.GetString()!, ignoreCase: true);

    private static string Text(Finding f)
        => string.Join("\n", (string[])[f.Title, f.Conclusion, f.Headline ?? "", .. f.Evidence, .. f.Reasoning, .. f.Advice]);

    private static JsonElement Json(AnalysisReport report)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            AnalysisJson.Write(w, report);
        }
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }
}
