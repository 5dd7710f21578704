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
using Uncloak.Store.Watch;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Probes;

namespace Uncloak.Daemon;

/// <summary>The engine's probe side: outages from probe results, their cause hints, and the guarded outage remedies.</summary>
public sealed partial class WatchEngine
{
    /// <summary>What happened before an outage, strongest first: "zero_window_hold×12 (top 198.18.1.7), syn_flood×1".</summary>
    private string RecentHints(DateTime start)
    {
        var window = _recent.Where(r => r.Time >= start - _config.CorrelationWindow && r.Time <= start).ToList();
        if (window.Count == 0)
        {
            return "no network events in the preceding " + DurationText.Format(_config.CorrelationWindow);
        }
        return string.Join(", ", window.GroupBy(r => r.Kind).OrderByDescending(g => g.Count()).Take(4).Select(g =>
        {
            var top = g.Where(r => !r.Peer.IsNone).GroupBy(r => r.Peer).OrderByDescending(p => p.Count()).FirstOrDefault();
            return $"{g.Key.Name()}×{g.Count()}" + (top is null ? "" : $" (top {top.Key})");
        }));
    }

    private bool IsCrossProbe(string probe) => _config.Probes.Any(p => p.Of is not null && p.Name == probe);

    private void Observe(string probe, ProbeResult result)
    {
        var gauge = _metrics.Probe(probe);
        gauge.Up = result.Ok ? 1 : 0;
        gauge.LatencySeconds = result.Latency.TotalSeconds;
        if (!result.Ok)
        {
            Interlocked.Increment(ref gauge.Failures);
        }
        var ev = new NetEvent { Kind = result.Ok ? EventKind.ProbeRecovered : EventKind.ProbeFailed, Time = result.Time, UptimeMicros = -1 };
        if (Capture is not null)
        {
            RememberServiceProbe(probe, result);
        }
        var transition = _trackers[probe].Observe(result);
        if (transition.Change == OutageChange.Started)
        {
            string hints = RecentHints(transition.Start);
            long id = _store.StartOutage(probe, transition.Start, transition.Cause, transition.Detail + " | before: " + hints);
            _openOutages[probe] = id;
            // A cross-probe's outage is another host's service seen from here (fleet evidence): this host's own state
            // is not its cause, so no bundle of this host and no scenario reacting to it here.
            bool cross = IsCrossProbe(probe);
            if (!cross)
            {
                OutageOpened(probe, id, transition.Start);
            }
            Interlocked.Increment(ref gauge.Outages);
            _metrics.Event(EventKind.ProbeFailed);
            Alert(result.Time, AlertSeverity.Critical, "outage/" + probe, $"{probe} is DOWN ({transition.Cause})", transition.Detail + "; before it: " + hints);
            _actions.Clear();
            if (!cross && _pipeline.Process(ev, _actions))
            {
                var records = new List<ActionRecord>();
                Act(_actions, result.Time, records);
                _store.AddActions(records);
            }
        }
        if (_trackers[probe].InOutage && _remedies.TryGetValue(probe, out var remedy))
        {
            Remedy(probe, remedy.Config, remedy.Policy, result.Time);
        }
        if (transition.Change == OutageChange.Ended)
        {
            if (_remedies.TryGetValue(probe, out var ended))
            {
                ended.Policy.Reset();
                _lastVerdict.Remove(probe);
            }
            if (_openOutages.Remove(probe, out long id))
            {
                _store.EndOutage(id, transition.At);
            }
            OutageClosed(probe, transition.At);
            _metrics.Event(EventKind.ProbeRecovered);
            Alert(result.Time, AlertSeverity.Notice, "recovered/" + probe, $"{probe} is UP again after {DurationText.Format(transition.At - transition.Start)}", "");
        }
    }

    /// <summary>Runs the probe's outage remedy when its guard rails allow (see <see cref="RemedyPolicy"/>); the command runs off the engine thread.</summary>
    private void Remedy(string probe, RemedyConfig config, RemedyPolicy policy, DateTime now)
    {
        var since = _trackers[probe].Since;
        var kinds = _recent.Where(r => r.Time >= since - _config.CorrelationWindow).Select(r => r.Kind).ToHashSet();
        var decision = policy.Decide(now, kinds);
        bool changed = !_lastVerdict.TryGetValue(probe, out var last) || last != decision.Verdict;
        _lastVerdict[probe] = decision.Verdict;
        string command = string.Join("; ", config.Steps);
        switch (decision.Verdict)
        {
            case RemedyVerdict.Run:
                _log.RemedyStarting(probe, command, decision.Reason);
                // Off the engine's thread: a remedy's steps may take minutes.
                _ = Task.Run(() =>
                {
                    var done = _enforcer.Execute(EnforcementAction.Remedy(probe, config.Steps), Utc(now));
                    _channel.Writer.TryWrite(new RemedyDoneItem(probe, now, command, decision.Reason + ": " + done.Text));
                });
                break;
            case RemedyVerdict.Skip when changed:
                _log.RemedyWithheld(probe, command, decision.Reason);
                _store.AddActions([new ActionRecord(now, "outage:" + probe, "on_outage", "remedy", probe, TimeSpan.Zero, false, "withheld: " + decision.Reason, command)]);
                break;
            case RemedyVerdict.GiveUp:
                Alert(now, AlertSeverity.Critical, "gave-up/" + probe, $"{probe}: automatic remedy gave up", decision.Reason + $" ({command})");
                _store.AddActions([new ActionRecord(now, "outage:" + probe, "on_outage", "remedy", probe, TimeSpan.Zero, false, decision.Reason, command)]);
                break;
        }
    }

    /// <summary>
    /// Checks the service every interval; the probe's vantage round (gateway, upstream, self) runs at the same time, so
    /// both describe the same moment and the interval stays what the config says.
    /// </summary>
    private async Task ProbeLoopAsync(ProbeConfig config, HealthProbe probe, CancellationToken cancel)
    {
        var vantage = ProbeFactory.Vantage(config, _time);
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                var started = _time.GetUtcNow().UtcDateTime;
                var round = vantage?.RunAsync(cancel);
                var (ok, cause, detail, latency) = await probe.CheckAsync(cancel).ConfigureAwait(false);
                if (round is not null)
                {
                    // Before the service result: an outage this result opens captures its bundle with this round in it.
                    await _channel.Writer.WriteAsync(new VantageRoundItem(config.Name, await round.ConfigureAwait(false)), cancel).ConfigureAwait(false);
                }
                await _channel.Writer.WriteAsync(new ProbeItem(config.Name, new ProbeResult(started, ok, cause, detail, latency)), cancel).ConfigureAwait(false);
                await Task.Delay(config.Interval, _time, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
