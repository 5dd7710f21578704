using System.Threading.Channels;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;
using Uncloak.Core.Enforcement;
using Uncloak.Core.Events;
using Uncloak.Core.Probes;
using Uncloak.Linux.Host;
using Uncloak.Linux.Probes;
using Uncloak.Linux.Sources;
using Uncloak.Store;
using Uncloak.Store.Watch;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Metrics;
using Uncloak.Daemon.Systemd;

namespace Uncloak.Daemon;

/// <summary>
/// The daemon's one consumer thread: batches from live sources and probe results arrive on a bounded channel, go
/// through the detection pipeline, and are committed — events, the actions they caused and the source's cursor in one
/// transaction. Stopping (SIGTERM) cancels the sources, lets each hand over its last batch, drains the channel and
/// commits it, so no decision is lost. Reloading (SIGHUP) swaps in new scenarios only when they validate.
/// </summary>
public sealed partial class WatchEngine : ISourceSink, IDisposable
{
    private abstract record Item;

    private sealed record BatchItem(SourceBatch Batch, DateTime Enqueued) : Item;

    private sealed record ProbeItem(string Probe, ProbeResult Result) : Item;

    private sealed record TickItem : Item;

    private sealed record ReloadItem : Item;

    private sealed record RemedyDoneItem(string Probe, DateTime Time, string Command, string Outcome) : Item;

    private readonly Channel<Item> _channel = Channel.CreateBounded<Item>(new BoundedChannelOptions(64) { SingleReader = true });
    private readonly WatchStore _store;
    private readonly TimeProvider _time;
    private readonly WatchLog _log;
    private readonly WatchMetrics _metrics;
    private readonly SystemdNotifier _notifier;
    private readonly IEnforcer _enforcer;

    /// <summary>The alerts raised lately, for <c>uncloak status</c>; none when the engine runs without a dispatcher (tests, replay).</summary>
    public Alerts.AlertDispatcher? RecentAlerts { get; init; }
    private readonly Func<DetectionConfig> _loadDetection;
    private readonly WatchConfig _config;
    private readonly Dictionary<string, (string? Cursor, long Position, long Gaps)> _committed = new(StringComparer.Ordinal);
    private readonly Lock _committedLock = new();
    private readonly List<(DateTime Until, string Target)> _bans = [];
    private readonly Queue<(DateTime Time, EventKind Kind, NetAddress Peer)> _recent = new();
    private readonly Dictionary<string, OutageTracker> _trackers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _openOutages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RemedyConfig Config, RemedyPolicy Policy)> _remedies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RemedyVerdict> _lastVerdict = new(StringComparer.Ordinal);
    private readonly List<RemediationAction> _actions = [];
    private DetectionPipeline _pipeline;
    private DateTime _nextPrune;
    private DateTime _historyBefore;

    /// <summary>Events older than this before start-up (the kernel ring's backlog on a first start) are stored but not acted on: history is <c>analyze</c>'s job, and a ban for an hour-old burst would hit the wrong peer.</summary>
    public static readonly TimeSpan ActOnlyOnRecent = TimeSpan.FromMinutes(15);

    /// <summary>The <c>enforcer</c> carries out every action the engine takes: bans, kills, alerts, outage remedies.</summary>
    public WatchEngine(WatchConfig config, DetectionConfig detection, Func<DetectionConfig> loadDetection, WatchStore store, IEnforcer enforcer,
        TimeProvider time, WatchLog log, WatchMetrics metrics, SystemdNotifier notifier)
    {
        _config = config;
        _loadDetection = loadDetection;
        _store = store;
        _enforcer = enforcer;
        _time = time;
        _log = log;
        _metrics = metrics;
        _notifier = notifier;
        _pipeline = new DetectionPipeline(detection.Scenarios, detection.Profiles, config.Simulate);
    }

    /// <summary>Scenarios in force (changes on a successful reload).</summary>
    public IReadOnlyList<Scenario> Scenarios => _pipeline.Engine.Scenarios;

    /// <summary>Asks the engine to reload scenarios (SIGHUP). Safe from any thread.</summary>
    public void RequestReload()
    {
        // The flag is the request; the channel item only wakes the consumer. When the bounded channel is full of
        // source batches TryWrite fails, and a reload carried by the item alone would be lost (seen under load).
        Interlocked.Exchange(ref _reloadPending, 1);
        _channel.Writer.TryWrite(new ReloadItem());
    }

    private int _reloadPending;

    public async ValueTask DeliverAsync(SourceBatch batch, CancellationToken cancel)
        => await _channel.Writer.WriteAsync(new BatchItem(batch, _time.GetUtcNow().UtcDateTime), cancel).ConfigureAwait(false);

    public void Problem(string source, string message, TimeSpan retryIn)
    {
        _log.SourceProblem(source, message, retryIn);
    }

    /// <summary>Runs until <paramref name="stop"/>, then shuts down cleanly (see the class remarks).</summary>
    public async Task RunAsync(IReadOnlyList<LiveSource> sources, IReadOnlyList<(ProbeConfig Config, HealthProbe Probe)> probes, CancellationToken stop)
    {
        _startedAt = _time.GetUtcNow().UtcDateTime;
        _liveSources = sources;
        foreach (var source in sources)
        {
            var cursor = _store.Cursor(source.Name);
            source.SourceId = cursor?.SourceId ?? _store.SourceIdFor(source.Name, source.Name, "live");
            _committed[source.Name] = (cursor?.Cursor, cursor?.Position ?? 0, cursor?.Gaps ?? 0);
            var name = source.Name;
            source.Resume = () =>
            {
                lock (_committedLock)
                {
                    return _committed[name];
                }
            };
            _metrics.Source(source.Name);
            _log.SourceResumed(source.Name, cursor?.Cursor);
        }
        foreach (var (config, _) in probes)
        {
            var tracker = new OutageTracker(config.Name, config.Failures);
            if (_store.OpenOutage(config.Name) is { } open)
            {
                tracker.Resume(open.Start);
                _openOutages[config.Name] = open.Id;
            }
            _trackers[config.Name] = tracker;
            if (config.OnOutage is { } remedy)
            {
                _remedies[config.Name] = (remedy, new RemedyPolicy(remedy.MaxAttempts, remedy.Backoff, remedy.NotWhen));
            }
        }
        _historyBefore = _time.GetUtcNow().UtcDateTime - ActOnlyOnRecent;
        StartCapture();
        using var producers = new CancellationTokenSource();
        var consumer = Task.Run(ConsumeAsync, CancellationToken.None);
        var tasks = new List<Task>();
        tasks.AddRange(sources.Select(s => s.RunAsync(this, producers.Token)));
        tasks.AddRange(probes.Select(p => ProbeLoopAsync(p.Config, p.Probe, producers.Token)));
        tasks.Add(TickLoopAsync(producers.Token));
        _notifier.Notify($"READY=1\nSTATUS=watching {sources.Count} sources, {probes.Count} probes, {Scenarios.Count} scenarios");
        _log.Watching(sources.Count, probes.Count, Scenarios.Count, _config.Simulate, _config.Simulate ? "simulated" : _enforcer.Enforces(EnforcementKind.Ban) ? "enforced" : "recorded only", _config.Simulate ? "simulated" : _enforcer.Enforces(EnforcementKind.Kill) ? "enforced" : "recorded only");
        try
        {
            await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stop requested
        }
        _notifier.Notify("STOPPING=1");
        _log.Stopping();
        await producers.CancelAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        _channel.Writer.Complete();
        await consumer.ConfigureAwait(false);
        foreach (var source in sources)
        {
            _metrics.Source(source.Name).Restarts = source.Restarts;
        }
        _log.Stopped(_pipeline.Engine.EventsSeen);
    }

    /// <summary>Releases the stop signal; call after <see cref="RunAsync"/> has returned and nothing acts on the engine.</summary>
    public void Dispose() => _stopping.Dispose();

    private async Task ConsumeAsync()
    {
        await foreach (var item in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                switch (item)
                {
                    case BatchItem b:
                        Process(b.Batch, b.Enqueued);
                        break;
                    case ProbeItem p:
                        Observe(p.Probe, p.Result);
                        break;
                    case VantageRoundItem v:
                        ObserveVantageRound(v.Probe, v.Results);
                        break;
                    case TickItem:
                        Tick();
                        break;
                    case ReloadItem:
                        break; // handled below, through the flag
                    case StatusItem s:
                        Answer(s);
                        break;
                    case CaptureNowItem c:
                        CaptureNow(c);
                        break;
                    case IncidentDoneItem d:
                        Captured(d.Outcome);
                        break;
                    case VantageItem v:
                        RememberProbe(v.Probe);
                        break;
                    case ActItem a:
                        Act(a);
                        break;
                    case RemedyDoneItem r:
                        if (_remedies.TryGetValue(r.Probe, out var finished))
                        {
                            finished.Policy.Finished();
                        }
                        _store.AddActions([new ActionRecord(r.Time, "outage:" + r.Probe, "on_outage", "remedy", r.Probe, TimeSpan.Zero, false, r.Outcome, r.Command)]);
                        _metrics.Decision("remedy", false);
                        _log.RemedyDone(r.Probe, r.Command, r.Outcome);
                        break;
                }
                if (Interlocked.Exchange(ref _reloadPending, 0) == 1)
                {
                    Reload();
                }
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                // The store refused a write (disk full, locked): log it loudly and keep detecting; the source's cursor did
                // not move, so its events are read again after a restart.
                _log.StoreWriteFailed(e.Message);
            }
        }
    }

    private void Process(SourceBatch batch, DateTime enqueued)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var records = new List<ActionRecord>();
        foreach (var (ev, text) in batch.Events)
        {
            _metrics.Event(ev.Kind);
            if (ev.HasTime && ev.Time < _historyBefore)
            {
                continue;
            }
            Remember(ev, now);
            if (text is not null && Capture is not null)
            {
                RememberLine(ev.HasTime ? ev.Time : now, text);
            }
            _actions.Clear();
            if (_pipeline.Process(ev, _actions))
            {
                Act(_actions, now, records);
            }
        }
        if (_commitsHeld || !CommitHolding(batch, records, now))
        {
            return;
        }
        lock (_committedLock)
        {
            _committed[batch.Source] = (batch.Cursor, batch.Position, batch.Gaps);
        }
        var gauge = _metrics.Source(batch.Source);
        Interlocked.Add(ref gauge.Records, batch.Records);
        Interlocked.Add(ref gauge.Events, batch.Events.Count);
        gauge.Gaps = batch.Gaps;
        gauge.LagSeconds = (now - enqueued).TotalSeconds;
    }

    /// <summary>Set when stopping ended a store retry: no later batch may commit a cursor past the one that failed.</summary>
    private bool _commitsHeld;

    /// <summary>Ends store retries when the daemon stops (the uncommitted batches are read again after the restart).</summary>
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Commits a batch, retrying with backoff while the store cannot write (issue 17, item 4). Blocking here holds every
    /// source: the channel fills and their reads wait, so cursors never pass what was not committed. Loud on purpose:
    /// an error log per attempt, the store_write_failures metric, store_blocked while it lasts, one alert.
    /// </summary>
    private bool CommitHolding(SourceBatch batch, List<ActionRecord> records, DateTime now)
    {
        var cursor = new SourceCursor(batch.Source, batch.SourceId, batch.Cursor, batch.Position, batch.Gaps);
        bool done = WriteBackoff.Run(() => _store.Commit(cursor, batch.Events, records, now), _time,
            (e, failures, wait) =>
            {
                _metrics.StoreWriteFailed();
                _metrics.StoreBlocked = true;
                _log.StoreWriteHeld(batch.Source, failures, wait, e.Message);
                if (failures == 1)
                {
                    Alert(_time.GetUtcNow().UtcDateTime, AlertSeverity.Critical, "store/" + _store.Store.Path, "uncloak: the store cannot be written",
                        $"Writing to {_store.Store.Path} failed ({e.Message}). Reading is held (no event is lost) and retried with backoff until it succeeds; free space or fix the cause.");
                }
            },
            failures => _log.StoreWritable(batch.Source, failures), _stopping.Token);
        _metrics.StoreBlocked = false;
        if (!done)
        {
            _commitsHeld = true;
            _log.StoppedUncommitted(batch.Source);
        }
        return done;
    }

    private void Act(List<RemediationAction> actions, DateTime now, List<ActionRecord> records)
    {
        var findings = new List<string>();
        foreach (var a in actions)
        {
            string outcome;
            string target = a.TargetText.Length > 0 ? a.TargetText : a.Alert.Key.ToString();
            switch (a.Kind)
            {
                case RemediationKind.Ban:
                case RemediationKind.KillSockets:
                    outcome = a.Simulated ? "simulated" : _enforcer.Execute(ToEnforcement(a), Utc(now)).Text;
                    if (a.Kind == RemediationKind.Ban)
                    {
                        _bans.Add((now + a.Duration, target));
                    }
                    findings.Add($"{(a.Kind == RemediationKind.Ban ? "ban " + target + " for " + DurationText.Format(a.Duration) : "kill sockets of " + target)}: {outcome}");
                    break;
                case RemediationKind.Check:
                    var (ok, finding) = DefenceChecks.Run(a.Check);
                    outcome = (ok ? "ok: " : "PROBLEM: ") + finding;
                    findings.Add(outcome);
                    break;
                default:
                    outcome = Alert(now, a.Severity, a.Alert.Scenario.Name + "/" + a.Alert.Key,
                        a.Alert.Summary, string.Join("; ", findings.Prepend(a.Alert.Scenario.Description).Where(s => s.Length > 0))).Text;
                    break;
            }
            string action = a.Kind switch
            {
                RemediationKind.Ban => "ban",
                RemediationKind.KillSockets => "kill_sockets",
                RemediationKind.Check => "check",
                _ => "alert",
            };
            _metrics.ScenarioDecision(a.Alert.Scenario.Name, action);
            _metrics.Decision(action, a.Simulated || (a.Kind is RemediationKind.Ban or RemediationKind.KillSockets
                && !_enforcer.Enforces(a.Kind == RemediationKind.Ban ? EnforcementKind.Ban : EnforcementKind.Kill)));
            records.Add(new ActionRecord(a.Alert.Time, a.Alert.Scenario.Name, a.Profile, action, target, a.Duration, a.Simulated, outcome, a.Reason));
            _log.Decision(a.Alert.Scenario.Name, action, target, a.Simulated, outcome);
        }
    }

    /// <summary>The planner's ban or kill as an enforcement action (its escalation over the last 30 days of bans).</summary>
    private static EnforcementAction ToEnforcement(RemediationAction a)
    {
        var network = new BanTarget(a.Target, a.PrefixLength);
        if (a.Kind == RemediationKind.KillSockets)
        {
            return EnforcementAction.Kill(network);
        }
        var escalation = a.EscalateFactor > 1 ? new Escalation(a.EscalateFactor, a.MaxDuration, TimeSpan.FromDays(30)) : Escalation.None;
        var trigger = a.Alert.Trigger.Position;
        return EnforcementAction.Ban(network, a.Duration, a.Reason, "watch", a.Alert.Scenario.Name, escalation) with
        {
            // Probe events are not stored rows (source 0): nothing to link.
            Evidence = trigger.SourceId > 0 ? new DecisionEvidence(trigger.SourceId, trigger.Offset, new DateTimeOffset(a.Alert.First, TimeSpan.Zero), a.Alert.Events) : null,
        };
    }

    private EnforcementResult Alert(DateTime now, AlertSeverity severity, string key, string title, string body)
        => _enforcer.Execute(EnforcementAction.Alert(severity, key, title, body), Utc(now));

    /// <summary>The engine's times are UTC whatever their Kind says (event times are parsed without one).</summary>
    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));

    private void Remember(in NetEvent ev, DateTime now)
    {
        var t = ev.HasTime ? ev.Time : now;
        _recent.Enqueue((t, ev.Kind, ev.Peer));
        while (_recent.Count > 100_000 || (_recent.Count > 0 && now - _recent.Peek().Time > _config.CorrelationWindow))
        {
            _recent.Dequeue();
        }
    }

    private void Tick()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        _bans.RemoveAll(b => b.Until <= now);
        if (_enforcer.Maintain() is { } repaired)
        {
            _log.FirewallRepaired(repaired);
        }
        _metrics.BansInForce = _enforcer.BansInForce(Utc(now)) ?? _bans.Select(b => b.Target).Distinct(StringComparer.Ordinal).Count();
        _metrics.Buckets = _pipeline.Engine.BucketCount;
        _metrics.GroupsRefused = _pipeline.Engine.GroupsRefused;
        UpdateScenarioMetrics();
        foreach (var source in _liveSources)
        {
            _metrics.Source(source.Name).Restarts = source.Restarts;
        }
        if (now >= _nextPrune)
        {
            // One bounded step per tick (Batch rows per kind) until nothing is left, then wait Every: detection never
            // waits long behind the store's housekeeping.
            var pruned = Uncloak.Store.Retention.StoreRetention.PruneStep(_store.Store, _config.Retention, now);
            _nextPrune = pruned.Complete ? now + _config.Retention.Every : now;
            if (pruned.Total > 0)
            {
                _log.StorePruned(pruned.Events, pruned.Outages, pruned.Actions, pruned.Decisions, !pruned.Complete);
            }
        }
        _notifier.Notify("WATCHDOG=1");
    }

    private void Reload()
    {
        _notifier.Notify("RELOADING=1");
        try
        {
            var detection = _loadDetection();
            KeepScenarioCounts();
            _pipeline = new DetectionPipeline(detection.Scenarios, detection.Profiles, _config.Simulate);
            _log.Reloaded(detection.Scenarios.Count);
        }
        catch (ConfigException e)
        {
            _log.ReloadRefusedInvalid(e.Errors.Count, e.Errors.Count > 0 ? e.Errors[0].ToString() : null);
            foreach (var error in e.Errors)
            {
                _log.ConfigError(error.ToString());
            }
        }
        catch (IOException e)
        {
            _log.ReloadRefusedUnreadable(e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // A loader bug must not stop the engine: the old scenarios keep running, and the log says why the new ones did not load.
            _log.ReloadRefusedUnreadable($"{e.GetType().Name}: {e.Message}");
        }
        _notifier.Notify("READY=1");
    }

    private async Task TickLoopAsync(CancellationToken cancel)
    {
        var every = _notifier.WatchdogInterval is { } w ? TimeSpan.FromTicks(Math.Min(w.Ticks / 3, TimeSpan.TicksPerSecond)) : TimeSpan.FromSeconds(1);
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _time, cancel).ConfigureAwait(false);
                await _channel.Writer.WriteAsync(new TickItem(), cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
