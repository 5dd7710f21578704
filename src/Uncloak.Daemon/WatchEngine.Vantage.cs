using Uncloak.Core.Forensics;
using Uncloak.Store.Watch;

namespace Uncloak.Daemon;

/// <summary>
/// The engine's vantage side: each round of a probe's gateway, upstream and self probes goes to /metrics, the store
/// (<c>vantage_probes</c>) and a window kept in memory, from which an outage's evidence takes the rounds around it.
/// </summary>
public sealed partial class WatchEngine
{
    /// <summary>Results kept in memory at most: 16 targets × a round every second for the correlation window is far below this.</summary>
    private const int VantageKept = 20_000;

    private sealed record VantageRoundItem(string Probe, IReadOnlyList<VantageProbe> Results) : Item;

    private readonly Queue<(string Probe, VantageProbe Result)> _vantage = new();
    private readonly Lock _vantageLock = new();
    private VantageStore? _vantageStore;
    private DateTime _nextVantagePrune;

    /// <summary>
    /// The vantage results from <paramref name="from"/> to <paramref name="to"/> still in memory (the correlation window),
    /// oldest first; every probe's when <paramref name="probe"/> is null. Safe from any thread: the capture of an
    /// outage's bundle and <c>status</c> read it while the engine adds to it.
    /// </summary>
    public IReadOnlyList<VantageProbe> VantageBetween(DateTime from, DateTime to, string? probe = null)
    {
        lock (_vantageLock)
        {
            return [.. _vantage.Where(v => (probe is null || v.Probe == probe) && v.Result.Time >= from && v.Result.Time <= to).Select(v => v.Result)];
        }
    }

    private void ObserveVantageRound(string probe, IReadOnlyList<VantageProbe> results)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_vantageLock)
        {
            foreach (var r in results)
            {
                _metrics.Vantage(probe, r);
                _vantage.Enqueue((probe, r));
                // Kept for the bundles' probes.txt beside the service probes' own results.
                RememberProbe(r);
            }
            while (_vantage.Count > VantageKept || (_vantage.Count > 0 && now - _vantage.Peek().Result.Time > _config.CorrelationWindow))
            {
                _vantage.Dequeue();
            }
        }
        _vantageStore ??= new VantageStore(_store.Store);
        _vantageStore.Add(probe, results);
        if (now >= _nextVantagePrune)
        {
            // Vantage rows are evidence like events, kept as long as events are (forever when events are).
            if (_config.Retention.Events is { } keep)
            {
                _vantageStore.Prune(now - keep);
            }
            _nextVantagePrune = now + _config.Retention.Every;
        }
    }
}
