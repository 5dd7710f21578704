using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Analysis;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Store;
using Uncloak.Store.Events;
using Uncloak.Store.Watch;

namespace Uncloak.Cli.Commands.Report;

/// <summary>`uncloak report`: outages recorded by the daemon's probes, what preceded each, and which event kinds go with outages (lift).</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var db = CommonOptions.Db();
        var json = CommonOptions.Json();
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML report (timelines with outages as shaded bands) to FILE.", HelpName = "FILE" };
        var window = new Option<string>("--window") { Description = "How long before an outage counts as its lead-up (default 10m).", DefaultValueFactory = _ => "10m", HelpName = "DURATION" };
        var command = new Command("report",
            "Answer \"what happens just before my site goes down?\" from the store: every outage the probes of 'uncloak watch' " +
            "recorded (start, duration, cause) — or, when no probe recorded any, the disruptions the logs show, the same " +
            "windows 'uncloak analyze' reports (link down, NIC hangs, watchdog resets, conntrack full, SYNs dropped, …) —, the events of the window before it ranked by how unusual they are for this host, " +
            "and over the whole history the lift of each event kind: how much more often it appears before outages than in " +
            "ordinary windows. \"zero window hold preceded 9 of 11 outages (lift 6.2)\" points at a cause; \"unrelated to your " +
            "outages\" rules one out. Also lists the decisions the daemon took.\n\n" +
            "Exit codes: 0 done, 2 bad usage, 3 the store cannot be opened.\n\nExamples:\n  uncloak report\n  uncloak report --json --window 5m\n  uncloak report --html outages.html")
        {
            db, json, html, window,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (!DurationText.TryParse(result.GetValue(window), out var w))
            {
                error.WriteLine($"uncloak report: --window: '{result.GetValue(window)}' is not a duration (5m, 1h)");
                return ExitCodes.UsageOrInput;
            }
            SqliteStore store;
            try
            {
                store = SqliteStore.Open(result.GetValue(db) ?? SqliteStore.DefaultPath());
            }
            catch (StoreException e)
            {
                error.WriteLine("uncloak report: " + e.Message);
                return ExitCodes.Environment;
            }
            using (store)
            {
                var watch = new WatchStore(store);
                var rows = watch.Outages();
                var outages = rows.Select(o => new OutageSpan(o.Probe, o.Start, o.End, o.Cause, o.Detail)).ToList();
                var events = new List<(DateTime, EventKind, long)>();
                var disrupting = new List<NetEvent>();
                var logEnd = DateTime.MinValue;
                foreach (var e in EventReader.ReadAll(store))
                {
                    if (e.Event.HasTime)
                    {
                        events.Add((e.Event.Time, e.Event.Kind, e.Weight));
                        if (DisruptionTimeline.Kinds.Contains(e.Event.Kind))
                        {
                            disrupting.Add(e.Event);
                        }
                        logEnd = e.Event.Time > logEnd ? e.Event.Time : logEnd;
                    }
                }
                foreach (var r in EventReader.ReadRollups(store))
                {
                    if (r.Scope == RollupScope.Minute && !r.Uptime)
                    {
                        var minute = new DateTime(r.Minute * TimeSpan.TicksPerMinute, DateTimeKind.Utc);
                        events.Add((minute, r.Kind, r.Count));
                        logEnd = minute > logEnd ? minute : logEnd;
                    }
                }
                // Without probe outages (no daemon yet, or history from before it), the disruptions the logs show stand in.
                bool fromLogs = outages.Count == 0;
                if (fromLogs)
                {
                    outages = [.. OutageCorrelation.OutagesFrom(DisruptionTimeline.From(disrupting, logEnd == DateTime.MinValue ? null : logEnd))];
                }
                var report = OutageCorrelation.Build(outages, events, w, exclude: fromLogs ? DisruptionTimeline.Kinds : null);
                var actions = watch.Actions();
                // Text shows each incident's row; JSON and HTML carry its evidence, so only they read the bundles again.
                var incidents = OutageIncidents.Of(store, fromLogs ? [] : rows, readBundles: result.GetValue(json) || result.GetValue(html) is not null);
                OutageIncident? IncidentOf(OutageSpan o) => incidents.GetValueOrDefault(o);
                if (result.GetValue(html) is { } path)
                {
                    try
                    {
                        File.WriteAllText(path, OutageHtml.Render(report, events, DateTime.UtcNow, IncidentOf, Path.GetDirectoryName(Path.GetFullPath(path))));
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        error.WriteLine($"uncloak report: cannot write {path}: {e.Message}");
                        return ExitCodes.UsageOrInput;
                    }
                }
                if (result.GetValue(json))
                {
                    WriteJson(output, report, actions, fromLogs, IncidentOf);
                }
                else
                {
                    WriteText(output, report, actions, fromLogs, IncidentOf);
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteText(TextWriter o, CorrelationReport r, IReadOnlyList<ActionRecord> actions, bool fromLogs, Func<OutageSpan, OutageIncident?> incidentOf)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(fromLogs
            ? string.Create(inv, $"Outages: no probe recorded any; {r.Outages.Count} disruptions the logs show stand in (link down, NIC hangs, watchdog resets, conntrack full, SYNs dropped, orphans, neighbour overflow, TCP out of memory; lead-up window {DurationText.Format(r.Window)})")
            : string.Create(inv, $"Outages: {r.Outages.Count} recorded (lead-up window {DurationText.Format(r.Window)})"));
        foreach (var lead in r.Outages)
        {
            var x = lead.Outage;
            string dur = x.End is { } end ? DurationText.Format(end - x.Start) : "ongoing";
            o.WriteLine(string.Create(inv, $"  {x.Start:yyyy-MM-dd HH:mm:ss}Z  {x.Probe,-12} {dur,-8} {x.Cause}"));
            if (incidentOf(x) is { Incident: var i })
            {
                string layer = i.Layer == Layer.Unknown ? "unknown" : string.Create(inv, $"{i.Layer.Name()} ({i.Confidence:0.00})");
                string ranked = string.Join(", ", i.Layers.Select(l => string.Create(inv, $"{l.Layer.Name()} {l.Score:0.00}")));
                o.WriteLine($"      layer:  {layer}{(ranked.Length > 0 ? "; ranked " + ranked : "")}");
                o.WriteLine($"      {i.Summary}");
                o.WriteLine($"      bundle: {i.Bundle}  (uncloak incidents show {i.Id})");
            }
            foreach (var k in lead.Kinds.Take(4))
            {
                o.WriteLine(string.Create(inv, $"      before: {k.Kind.Name(),-22} ×{k.Count,-6} {k.Unusualness:0.#}× its usual rate"));
            }
            if (lead.Kinds.Count == 0)
            {
                o.WriteLine("      before: no network events");
            }
        }
        o.WriteLine();
        o.WriteLine("Correlation with outages (lift: how much more often before an outage than at other times):");
        if (r.Lifts.Count == 0)
        {
            o.WriteLine("  no events stored yet");
        }
        foreach (var l in r.Lifts)
        {
            o.WriteLine((l.Related ? "  ! " : "    ") + l.Sentence);
        }
        o.WriteLine();
        o.WriteLine($"Decisions: {actions.Count(a => a.Action == "ban")} bans, {actions.Count(a => a.Action == "kill_sockets")} socket kills, {actions.Count(a => a.Action == "alert")} alerts");
        foreach (var a in actions.Where(a => a.Action is "ban" or "kill_sockets").TakeLast(15))
        {
            o.WriteLine(string.Create(inv, $"  {a.Time:yyyy-MM-dd HH:mm:ss}Z  {a.Action,-12} {a.Target,-20} {a.Scenario,-22} {(a.Simulated ? "simulated" : a.Outcome)}"));
        }
    }

    private static void WriteJson(TextWriter o, CorrelationReport r, IReadOnlyList<ActionRecord> actions, bool fromLogs, Func<OutageSpan, OutageIncident?> incidentOf)
        => o.WriteLine(JsonSerializer.Serialize(CorrelationJson.From(r, actions, fromLogs, incidentOf), CliJson.Indented.CorrelationJson));
}
