namespace Uncloak.Core.Decisions;

/// <summary>
/// At most <see cref="PerMinute"/> new bans in any sliding 60-second window. A detector gone wrong (or an
/// attacker spoofing the whole internet at it) must not be able to ban everyone; when the cap trips the
/// remaining requests are refused and the caller raises a loud alert. Seed it with the creation times of
/// recent bans from the store so a restart does not reset the window.
/// </summary>
public sealed class BanRateCap
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<DateTimeOffset> _recent = new();

    /// <param name="perMinute">The cap; 0 or less means no cap.</param>
    /// <param name="recentBans">Creation times of bans already made (from the store), so the window survives a restart.</param>
    public BanRateCap(int perMinute, IEnumerable<DateTimeOffset>? recentBans = null)
    {
        PerMinute = perMinute;
        foreach (var t in (recentBans ?? []).Order())
        {
            _recent.Enqueue(t);
        }
    }

    public static BanRateCap Unlimited => new(0);

    public int PerMinute { get; }

    public bool IsUnlimited => PerMinute <= 0;

    /// <summary>True once a request has been refused by this cap.</summary>
    public bool Tripped { get; private set; }

    /// <summary>Takes one slot at <paramref name="now"/>; false (and <see cref="Tripped"/>) when the window is full.</summary>
    public bool TryTake(DateTimeOffset now)
    {
        if (IsUnlimited)
        {
            return true;
        }
        while (_recent.Count > 0 && now - _recent.Peek() >= Window)
        {
            _recent.Dequeue();
        }
        if (_recent.Count >= PerMinute)
        {
            Tripped = true;
            return false;
        }
        _recent.Enqueue(now);
        return true;
    }
}
