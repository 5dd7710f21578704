using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Files;
using Uncloak.Linux.Sources;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>`watch --replay`: the live engine's detection pipeline over recorded inputs, on their own clock, everything simulated.</summary>
public static class ReplayRunner
{
    public static int Run(WatchOptions options, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        DetectionConfig detection;
        try
        {
            var config = WatchConfigLoader.LoadFile(options.ConfigPath ?? WatchConfig.DefaultPath, mustExist: options.ConfigPath is not null);
            detection = ScenarioLoader.LoadFolders(WatchPaths.ScenarioFolders(config.ScenarioFolders, options.ExtraScenarios));
        }
        catch (ConfigException e)
        {
            foreach (var err in e.Errors)
            {
                error.WriteLine("uncloak watch: " + err);
            }
            return ExitCodes.UsageOrInput;
        }
        var sink = new ReplaySink(new DetectionPipeline(detection.Scenarios, detection.Profiles, simulateAll: true), options.Json ? null : output);
        var sw = Stopwatch.StartNew();
        long lines = 0, malformed = 0;
        int id = 1;
        int exit = ExitCodes.Ok;
        foreach (var path in options.Replay)
        {
            try
            {
                var (l, m) = ReplayFiles.Feed(path, id++, sink, cancel);
                lines += l;
                malformed += m;
            }
            catch (Exception e) when (e is LogInputException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak watch: {path}: {e.Message}");
                exit = ExitCodes.UsageOrInput;
            }
        }
        sw.Stop();
        double rate = sink.Events / Math.Max(sw.Elapsed.TotalSeconds, 1e-9);
        if (options.Json)
        {
            var summary = new ReplaySummaryJson(lines, malformed, sink.Events, Math.Round(sw.Elapsed.TotalSeconds, 3), Math.Round(rate),
                [.. detection.Scenarios.Select(s => s.Name)], sink.Alerts);
            output.Write(JsonSerializer.Serialize(summary, CliJson.Indented.ReplaySummaryJson));
            output.WriteLine();
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"replayed {lines:N0} lines, {sink.Events:N0} events in {sw.Elapsed.TotalSeconds:0.00}s ({rate:N0} events/s) through {detection.Scenarios.Count} scenarios: {sink.Alerts.Count} alerts"));
        }
        return exit;
    }

    private sealed class ReplaySink(DetectionPipeline pipeline, TextWriter? live) : IEventSink
    {
        private readonly List<RemediationAction> _actions = [];

        public long Events { get; private set; }

        public List<ReplaySummaryJson.AlertEntry> Alerts { get; } = [];

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
        {
            Events++;
            _actions.Clear();
            if (!pipeline.Process(ev, _actions))
            {
                return;
            }
            foreach (var group in _actions.GroupBy(a => a.Alert))
            {
                var alert = group.Key;
                var actions = group.Select(Describe).ToList();
                Alerts.Add(new ReplaySummaryJson.AlertEntry(alert.Scenario.Name, alert.Key.ToString(),
                    alert.First.ToString("O", CultureInfo.InvariantCulture), alert.Time.ToString("O", CultureInfo.InvariantCulture), alert.Events, actions));
                live?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{alert.Time:yyyy-MM-dd HH:mm:ss}  {alert.Summary}  → {string.Join(", ", actions)}"));
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
