namespace Uncloak.Core.Alerts;

/// <summary>
/// Keeps alerts useful: the same alert (same key: scenario and target) at most once per <see cref="Dedupe"/>, and no
/// more than <see cref="PerMinute"/> alerts in any minute; what is held back is counted and reported with the next
/// alert that goes out. Pure; time is passed in.
/// </summary>
public sealed class AlertThrottle
{
    private readonly Dictionary<string, DateTime> _lastSent = new(StringComparer.Ordinal);
    private readonly Queue<DateTime> _window = new();

    public AlertThrottle(int perMinute, TimeSpan dedupe)
    {
        PerMinute = perMinute;
        Dedupe = dedupe;
    }

    public int PerMinute { get; }

    public TimeSpan Dedupe { get; }

    /// <summary>Alerts held back since the last one sent.</summary>
    public int Suppressed { get; private set; }

    public long SuppressedTotal { get; private set; }

    /// <summary>True when the alert keyed <paramref name="key"/> may go out at <paramref name="now"/>; <paramref name="heldBack"/> is how many were held back before it.</summary>
    public bool TryPass(string key, DateTime now, out int heldBack)
    {
        heldBack = 0;
        if (_lastSent.TryGetValue(key, out var last) && now - last < Dedupe)
        {
            Suppressed++;
            SuppressedTotal++;
            return false;
        }
        while (_window.Count > 0 && now - _window.Peek() >= TimeSpan.FromMinutes(1))
        {
            _window.Dequeue();
        }
        if (_window.Count >= PerMinute)
        {
            Suppressed++;
            SuppressedTotal++;
            return false;
        }
        _window.Enqueue(now);
        _lastSent[key] = now;
        heldBack = Suppressed;
        Suppressed = 0;
        if (_lastSent.Count > 10_000)
        {
            foreach (var (k, t) in _lastSent.Where(kv => now - kv.Value >= Dedupe).ToList())
            {
                _lastSent.Remove(k);
            }
        }
        return true;
    }
}
