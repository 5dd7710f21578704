using Uncloak.Core.Enforcement;
using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using Uncloak.Core.Decisions;
using Uncloak.Linux.Sources;
using Uncloak.Store;
using Uncloak.Daemon.Metrics;

namespace Uncloak.Daemon;

/// <summary>
/// The engine's answer to <c>uncloak status</c>: built on the consumer thread, so it reads the engine's own state
/// (scenarios, buckets, outages) without locks and is consistent with what was committed. The document's shape is
/// <c>uncloak.status/1</c> (docs/status.md).
/// </summary>
public sealed partial class WatchEngine
{
    private sealed record StatusItem(TaskCompletionSource<byte[]> Reply) : Item;

    private DateTime _startedAt;
    private IReadOnlyList<LiveSource> _liveSources = [];

    /// <summary>Counts of scenarios that a reload replaced, so per-scenario totals survive SIGHUP.</summary>
    private readonly Dictionary<string, long> _countedBefore = new(StringComparer.Ordinal);

    /// <summary>
    /// The status document, built by the engine thread. Cancelled by <paramref name="cancel"/> when the engine is held (a
    /// store retry) or stopping; the control socket then answers with an error instead of waiting.
    /// </summary>
    public async Task<byte[]> StatusAsync(CancellationToken cancel)
    {
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _channel.Writer.WriteAsync(new StatusItem(reply), cancel).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return Control.ControlServer.Error("the daemon is stopping");
        }
        return await reply.Task.WaitAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>Folds the outgoing pipeline's per-scenario counts into the running totals (before a reload swaps it).</summary>
    private void KeepScenarioCounts()
    {
        var engine = _pipeline.Engine;
        for (int i = 0; i < engine.Scenarios.Count; i++)
        {
            string name = engine.Scenarios[i].Name;
            _countedBefore[name] = _countedBefore.GetValueOrDefault(name) + engine.CountedOf(i);
        }
    }

    /// <summary>Per-scenario gauges for /metrics, refreshed each tick.</summary>
    private void UpdateScenarioMetrics()
    {
        var engine = _pipeline.Engine;
        for (int i = 0; i < engine.Scenarios.Count; i++)
        {
            var name = engine.Scenarios[i].Name;
            var gauge = _metrics.Scenario(name);
            gauge.Events = _countedBefore.GetValueOrDefault(name) + engine.CountedOf(i);
            gauge.Buckets = engine.BucketsOf(i);
        }
    }

    private void Answer(StatusItem item)
    {
        try
        {
            item.Reply.TrySetResult(BuildStatus());
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or StoreException or IOException)
        {
            item.Reply.TrySetResult(Control.ControlServer.Error("the daemon runs, but its store could not be read: " + e.Message));
        }
    }

    private byte[] BuildStatus()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        UpdateScenarioMetrics();
        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.status/1");
            w.WriteString("version", Version);
            w.WriteNumber("pid", Environment.ProcessId);
            w.WriteString("now", Rfc3339(now));
            w.WriteString("started", Rfc3339(_startedAt));
            w.WriteNumber("uptime_seconds", Math.Max(0, (long)(now - _startedAt).TotalSeconds));
            w.WriteBoolean("simulate", _config.Simulate);
            w.WriteString("bans", _config.Simulate ? "simulated" : _enforcer.Enforces(EnforcementKind.Ban) ? "enforced" : "recorded only");
            w.WriteString("store", _store.Store.Path);
            w.WriteBoolean("store_blocked", _metrics.StoreBlocked);
            WriteSources(w);
            WriteScenarios(w);
            WriteBans(w, now);
            WriteProbes(w);
            WriteAlerts(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteSources(Utf8JsonWriter w)
    {
        w.WriteStartArray("sources");
        foreach (var source in _liveSources)
        {
            var g = _metrics.Source(source.Name);
            w.WriteStartObject();
            w.WriteString("name", source.Name);
            w.WriteNumber("records", Interlocked.Read(ref g.Records));
            w.WriteNumber("events", Interlocked.Read(ref g.Events));
            w.WriteNumber("lag_seconds", Math.Round(g.LagSeconds, 3));
            w.WriteNumber("gaps", Interlocked.Read(ref g.Gaps));
            w.WriteNumber("restarts", source.Restarts);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteScenarios(Utf8JsonWriter w)
    {
        var engine = _pipeline.Engine;
        w.WriteStartArray("scenarios");
        for (int i = 0; i < engine.Scenarios.Count; i++)
        {
            var name = engine.Scenarios[i].Name;
            var g = _metrics.Scenario(name);
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteNumber("events", g.Events);
            w.WriteNumber("buckets", g.Buckets);
            w.WriteStartObject("decisions");
            foreach (var (action, count) in _metrics.ScenarioDecisions(name))
            {
                w.WriteNumber(action, count);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteBans(Utf8JsonWriter w, DateTime now)
    {
        var groups = new DecisionStore(_store.Store).InForceByOrigin(new DateTimeOffset(now, TimeSpan.Zero));
        w.WriteStartObject("bans_in_force");
        w.WriteNumber("total", groups.Sum(g => g.Count));
        w.WriteStartArray("by_origin");
        foreach (var (origin, scenario, count) in groups)
        {
            w.WriteStartObject();
            w.WriteString("origin", origin);
            if (scenario is null)
            {
                w.WriteNull("scenario");
            }
            else
            {
                w.WriteString("scenario", scenario);
            }
            w.WriteNumber("count", count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void WriteProbes(Utf8JsonWriter w)
    {
        w.WriteStartArray("probes");
        foreach (var (name, tracker) in _trackers.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var g = _metrics.Probe(name);
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteBoolean("up", g.Up == 1);
            w.WriteNumber("latency_seconds", Math.Round(g.LatencySeconds, 3));
            w.WriteNumber("failures", Interlocked.Read(ref g.Failures));
            w.WriteNumber("outages", Interlocked.Read(ref g.Outages));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("open_outages");
        foreach (var (name, id) in _openOutages.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("probe", name);
            w.WriteString("since", Rfc3339(_trackers[name].Since));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private void WriteAlerts(Utf8JsonWriter w)
    {
        w.WriteStartArray("recent_alerts");
        foreach (var (alert, sent) in RecentAlerts?.Recent() ?? [])
        {
            w.WriteStartObject();
            w.WriteString("time", Rfc3339(alert.Time));
            w.WriteString("severity", alert.Severity);
            w.WriteString("key", alert.Key);
            w.WriteString("title", alert.Title);
            w.WriteBoolean("sent", sent);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The build's version (the same string <c>uncloak --version</c> prints).</summary>
    public static string Version { get; } =
        (Assembly.GetEntryAssembly() ?? typeof(WatchEngine).Assembly).GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static string Rfc3339(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
