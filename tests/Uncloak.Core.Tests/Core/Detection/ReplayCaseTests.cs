using System.Globalization;
using System.Text.Json;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

/// <summary>
/// Detector cases as folders under <c>replay/</c>: <c>scenario.yaml</c> (loaded after the shipped profiles; when absent,
/// the shipped scenarios run), inputs (<c>*.jsonl</c> events or kernel logs), and <c>expected.json</c> with every alert
/// and its actions. Adding a folder adds a test.
/// </summary>
public sealed class ReplayCaseTests
{
    public static string ReplayDirectory => Path.Combine(AppContext.BaseDirectory, "replay");

    public static string ShippedScenarios => Path.Combine(AppContext.BaseDirectory, "config", "scenarios");

    public static TheoryData<string> Cases() => [.. Directory.EnumerateDirectories(ReplayDirectory).Select(d => new DirectoryInfo(d).Name).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Replay_case_raises_exactly_the_expected_alerts_and_actions(string name)
    {
        var dir = Path.Combine(ReplayDirectory, name);
        var actual = Run(dir);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        var want = expected.RootElement.GetProperty("alerts").EnumerateArray().Select(e => e.GetRawText()).Select(Normalize).ToList();
        var have = actual.Select(a => Normalize(JsonSerializer.Serialize(a))).ToList();
        Assert.True(want.SequenceEqual(have), $"case {name}:\nexpected:\n  {string.Join("\n  ", want)}\nactual:\n  {string.Join("\n  ", have)}");
    }

    [Fact]
    public void There_are_replay_cases_for_every_shipped_scenario()
    {
        var shipped = ScenarioLoader.LoadFolders([ShippedScenarios]).Scenarios.Select(s => s.Name).ToHashSet();
        var fired = new HashSet<string>();
        foreach (var dir in Directory.EnumerateDirectories(ReplayDirectory))
        {
            using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
            foreach (var a in expected.RootElement.GetProperty("alerts").EnumerateArray())
            {
                fired.Add(a.GetProperty("scenario").GetString()!);
            }
        }
        Assert.Empty(shipped.Except(fired));
    }

    internal static List<Dictionary<string, object>> Run(string dir)
    {
        var files = new List<(string, string)>();
        var scenarioFile = Path.Combine(dir, "scenario.yaml");
        if (File.Exists(scenarioFile))
        {
            var profiles = Path.Combine(ShippedScenarios, "profiles.yaml");
            files.Add((profiles, File.ReadAllText(profiles)));
            files.Add((scenarioFile, File.ReadAllText(scenarioFile)));
        }
        else
        {
            files.AddRange(Directory.EnumerateFiles(ShippedScenarios, "*.yaml").Order(StringComparer.Ordinal).Select(f => (f, File.ReadAllText(f))));
        }
        var config = ScenarioLoader.Load(files);
        var sink = new PipelineSink(new DetectionPipeline(config.Scenarios, config.Profiles, simulateAll: true));
        int id = 1;
        foreach (var input in Directory.EnumerateFiles(dir).Where(f => !f.EndsWith(".yaml", StringComparison.Ordinal) && !f.EndsWith("expected.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            ReplayFiles.Feed(input, id++, sink);
        }
        return sink.Alerts;
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private sealed class PipelineSink(DetectionPipeline pipeline) : IEventSink
    {
        private readonly List<RemediationAction> _actions = [];

        public List<Dictionary<string, object>> Alerts { get; } = [];

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
        {
            _actions.Clear();
            if (!pipeline.Process(ev, _actions))
            {
                return;
            }
            foreach (var group in _actions.GroupBy(a => a.Alert))
            {
                var alert = group.Key;
                Alerts.Add(new Dictionary<string, object>
                {
                    ["scenario"] = alert.Scenario.Name,
                    ["key"] = alert.Key.ToString(),
                    ["first"] = alert.First.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["time"] = alert.Time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["events"] = alert.Events,
                    ["actions"] = group.Select(Describe).ToList(),
                });
            }
        }

        private static string Describe(RemediationAction a) => a.Kind switch
        {
            RemediationKind.Ban => $"ban {a.TargetText} {DurationText.Format(a.Duration)}",
            RemediationKind.KillSockets => $"kill {a.TargetText}",
            RemediationKind.Check => $"check {(a.Check == HostCheck.SynCookies ? "syn_cookies" : "backlog")}",
            _ => $"alert {a.Severity.ToString().ToLowerInvariant()}",
        };
    }
}
