using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Uncloak.Config;
using Uncloak.Core.Detection;
using Uncloak.Linux.Files;
using Uncloak.Linux.Sources;
using Uncloak.Daemon.Replay;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>`watch --replay`: recorded inputs through <see cref="ReplayDetector"/>, then the summary as text or JSON.</summary>
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
        var sink = new ReplayDetector(new DetectionPipeline(detection.Scenarios, detection.Profiles, simulateAll: true))
        {
            AlertRaised = options.Json ? null
                : a => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a.Time:yyyy-MM-dd HH:mm:ss}  {a.Summary}  → {string.Join(", ", a.Actions)}")),
        };
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
                [.. detection.Scenarios.Select(s => s.Name)],
                [.. sink.Alerts.Select(a => new ReplaySummaryJson.AlertEntry(a.Scenario, a.Key, a.First.ToString("O", CultureInfo.InvariantCulture),
                    a.Time.ToString("O", CultureInfo.InvariantCulture), a.Events, a.Actions))]);
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
}
