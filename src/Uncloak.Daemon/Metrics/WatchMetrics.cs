using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Uncloak.Core.Events;

namespace Uncloak.Daemon.Metrics;

/// <summary>
/// The daemon's counters and gauges, rendered in the Prometheus text format (version 0.0.4). Updated by the engine
/// thread, read by the HTTP thread: values are Interlocked or replaced whole, and the labelled series are read through
/// <see cref="ConcurrentDictionary{TKey, TValue}.ToArray"/>, an atomic snapshot — LINQ straight over a dictionary the
/// engine is adding to copies it into an array sized a moment earlier and throws, which answered a scrape with HTTP 500.
/// </summary>
public sealed partial class WatchMetrics
{
    private readonly long[] _eventsByKind = new long[256];
    private readonly ConcurrentDictionary<(string Action, bool Simulated), long> _decisions = new();
    private readonly ConcurrentDictionary<string, SourceGauge> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProbeGauge> _probes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScenarioGauge> _scenarios = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Scenario, string Action), long> _scenarioDecisions = new();
    private long _alertsSent;
    private long _alertsSuppressed;

    public sealed class SourceGauge
    {
        public long Records;
        public long Events;
        public long Gaps;
        public long Restarts;
        public double LagSeconds;
        public double EventAgeSeconds;
    }

    public sealed class ProbeGauge
    {
        public int Up = 1;
        public double LatencySeconds;
        public long Failures;
        public long Outages;
    }

    /// <summary>One scenario's totals: events it counted (across reloads) and groups filling now. Written by the engine each tick.</summary>
    public sealed class ScenarioGauge
    {
        public long Events;
        public int Buckets;
    }

    /// <summary>The version <c>uncloak_build_info</c> reports.</summary>
    public string Version { get; init; } = "unknown";

    public int BansInForce { get; set; }

    public ScenarioGauge Scenario(string name) => _scenarios.GetOrAdd(name, _ => new ScenarioGauge());

    /// <summary>A scenario's profile asked for <paramref name="action"/> (ban, kill_sockets, check, alert).</summary>
    public void ScenarioDecision(string scenario, string action) => _scenarioDecisions.AddOrUpdate((scenario, action), 1, (_, v) => v + 1);

    /// <summary>Actions asked for by <paramref name="scenario"/> so far, by action, in action order.</summary>
    public IEnumerable<(string Action, long Count)> ScenarioDecisions(string scenario)
        => _scenarioDecisions.Where(d => d.Key.Scenario == scenario).OrderBy(d => d.Key.Action, StringComparer.Ordinal).Select(d => (d.Key.Action, d.Value));

    /// <summary>
    /// The label a source's series carry: its name without the boot id (<c>kmsg:3f2a…</c> is <c>kmsg</c>), so a
    /// dashboard's series continue across reboots. Only kmsg names carry a per-boot part; files and the journal keep theirs.
    /// </summary>
    public static string SourceLabel(string name) => name.StartsWith("kmsg:", StringComparison.Ordinal) ? "kmsg" : name;

    public int Buckets { get; set; }

    public long GroupsRefused { get; set; }

    public void Event(EventKind kind) => Interlocked.Increment(ref _eventsByKind[(byte)kind]);

    public void Decision(string action, bool simulated) => _decisions.AddOrUpdate((action, simulated), 1, (_, v) => v + 1);

    public SourceGauge Source(string name) => _sources.GetOrAdd(name, _ => new SourceGauge());

    public ProbeGauge Probe(string name) => _probes.GetOrAdd(name, _ => new ProbeGauge());

    public void AlertSent() => Interlocked.Increment(ref _alertsSent);

    private long _storeWriteFailures;

    /// <summary>A store write failed (disk full, I/O error): counted per attempt.</summary>
    public void StoreWriteFailed() => Interlocked.Increment(ref _storeWriteFailures);

    /// <summary>True while a store write is being retried and the sources are held.</summary>
    public bool StoreBlocked { get; set; }

    private long _incidentsCaptured;
    private long _incidentCaptureFailures;
    private long _incidentCapturesDropped;

    /// <summary>An incident bundle was written (an outage's start or end).</summary>
    public void IncidentCaptured() => Interlocked.Increment(ref _incidentsCaptured);

    /// <summary>An incident capture failed (logged; the outage is still recorded).</summary>
    public void IncidentCaptureFailed() => Interlocked.Increment(ref _incidentCaptureFailures);

    /// <summary>An incident capture was not queued: captures were already waiting (one runs at a time).</summary>
    public void IncidentCaptureDropped() => Interlocked.Increment(ref _incidentCapturesDropped);

    public void AlertSuppressed() => Interlocked.Increment(ref _alertsSuppressed);

    public long EventsOf(EventKind kind) => Interlocked.Read(ref _eventsByKind[(byte)kind]);

    public string Render()
    {
        var sb = new StringBuilder(4096);
        Header(sb, "uncloak_build_info", "gauge", "Always 1; the version of the running daemon is the label.");
        Line(sb, "uncloak_build_info", [("version", Version)], 1);
        Header(sb, "uncloak_events_total", "counter", "Events classified, by kind.");
        foreach (var kind in EventKinds.All)
        {
            Line(sb, "uncloak_events_total", [("kind", kind.Name())], Interlocked.Read(ref _eventsByKind[(byte)kind]));
        }
        Header(sb, "uncloak_decisions_total", "counter", "Remediation actions asked for by scenarios, by action and whether simulated.");
        foreach (var ((action, simulated), v) in _decisions.ToArray().OrderBy(k => k.Key.Action, StringComparer.Ordinal).ThenBy(k => k.Key.Simulated))
        {
            Line(sb, "uncloak_decisions_total", [("action", action), ("simulated", simulated ? "true" : "false")], v);
        }
        Header(sb, "uncloak_bans_in_force", "gauge", "Bans decided by the daemon that have not expired.");
        Line(sb, "uncloak_bans_in_force", [], BansInForce);
        Header(sb, "uncloak_buckets", "gauge", "Scenario buckets currently filling.");
        Line(sb, "uncloak_buckets", [], Buckets);
        Header(sb, "uncloak_scenario_groups_refused_total", "counter", "Events not counted because a scenario tracked its maximum of filling groups (a flood from random sources).");
        Line(sb, "uncloak_scenario_groups_refused_total", [], GroupsRefused);
        Header(sb, "uncloak_store_write_failures_total", "counter", "Store writes that failed (disk full, I/O error) and were retried; sources are held meanwhile.");
        Line(sb, "uncloak_store_write_failures_total", [], Interlocked.Read(ref _storeWriteFailures));
        Header(sb, "uncloak_store_blocked", "gauge", "1 while a store write is being retried and every source is held.");
        Line(sb, "uncloak_store_blocked", [], StoreBlocked ? 1 : 0);
        Header(sb, "uncloak_incident_captures_total", "counter", "Incident captures (bundles written at an outage's start and end), by result.");
        Line(sb, "uncloak_incident_captures_total", [("result", "written")], Interlocked.Read(ref _incidentsCaptured));
        Line(sb, "uncloak_incident_captures_total", [("result", "failed")], Interlocked.Read(ref _incidentCaptureFailures));
        Line(sb, "uncloak_incident_captures_total", [("result", "dropped")], Interlocked.Read(ref _incidentCapturesDropped));
        Header(sb, "uncloak_alerts_total", "counter", "Alerts sent and held back by de-duplication or the rate limit.");
        Line(sb, "uncloak_alerts_total", [("result", "sent")], Interlocked.Read(ref _alertsSent));
        Line(sb, "uncloak_alerts_total", [("result", "suppressed")], Interlocked.Read(ref _alertsSuppressed));
        var scenarios = _scenarios.ToArray().OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Header(sb, "uncloak_scenario_events_total", "counter", "Events each scenario counted into its buckets (past filter, grouping and cooldown).");
        scenarios.ForEach(s => Line(sb, "uncloak_scenario_events_total", [("scenario", s.Key)], Interlocked.Read(ref s.Value.Events)));
        Header(sb, "uncloak_scenario_buckets", "gauge", "Groups each scenario has filling now.");
        scenarios.ForEach(s => Line(sb, "uncloak_scenario_buckets", [("scenario", s.Key)], s.Value.Buckets));
        Header(sb, "uncloak_scenario_decisions_total", "counter", "Actions each scenario's profile asked for, by action.");
        foreach (var ((scenario, action), v) in _scenarioDecisions.ToArray().OrderBy(k => k.Key.Scenario, StringComparer.Ordinal).ThenBy(k => k.Key.Action, StringComparer.Ordinal))
        {
            Line(sb, "uncloak_scenario_decisions_total", [("scenario", scenario), ("action", action)], v);
        }
        var sources = _sources.ToArray().OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => KeyValuePair.Create(SourceLabel(s.Key), s.Value)).ToList();
        Header(sb, "uncloak_source_records_total", "counter", "Records read per live source.");
        sources.ForEach(s => Line(sb, "uncloak_source_records_total", [("source", s.Key)], Interlocked.Read(ref s.Value.Records)));
        Header(sb, "uncloak_source_gaps_total", "counter", "Records known lost per source (kmsg overruns, rotations missed while stopped).");
        sources.ForEach(s => Line(sb, "uncloak_source_gaps_total", [("source", s.Key)], Interlocked.Read(ref s.Value.Gaps)));
        Header(sb, "uncloak_source_restarts_total", "counter", "Restarts of a source after failures.");
        sources.ForEach(s => Line(sb, "uncloak_source_restarts_total", [("source", s.Key)], Interlocked.Read(ref s.Value.Restarts)));
        Header(sb, "uncloak_source_lag_seconds", "gauge", "Time from a source reading a batch to the engine processing it.");
        sources.ForEach(s => Line(sb, "uncloak_source_lag_seconds", [("source", s.Key)], s.Value.LagSeconds));
        var probes = _probes.ToArray().OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        Header(sb, "uncloak_probe_up", "gauge", "1 when the last health check passed.");
        probes.ForEach(p => Line(sb, "uncloak_probe_up", [("probe", p.Key)], p.Value.Up));
        Header(sb, "uncloak_probe_latency_seconds", "gauge", "Duration of the last health check.");
        probes.ForEach(p => Line(sb, "uncloak_probe_latency_seconds", [("probe", p.Key)], p.Value.LatencySeconds));
        Header(sb, "uncloak_probe_failures_total", "counter", "Failed health checks.");
        probes.ForEach(p => Line(sb, "uncloak_probe_failures_total", [("probe", p.Key)], Interlocked.Read(ref p.Value.Failures)));
        Header(sb, "uncloak_outages_total", "counter", "Outages recorded (consecutive failures reaching the probe's threshold).");
        probes.ForEach(p => Line(sb, "uncloak_outages_total", [("probe", p.Key)], Interlocked.Read(ref p.Value.Outages)));
        RenderVantage(sb);
        return sb.ToString();
    }

    private static void Header(StringBuilder sb, string name, string type, string help)
        => sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Line(StringBuilder sb, string name, (string Key, string Value)[] labels, double value)
    {
        sb.Append(name);
        if (labels.Length > 0)
        {
            sb.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }
                sb.Append(labels[i].Key).Append("=\"").Append(labels[i].Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            }
            sb.Append('}');
        }
        sb.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }
}
