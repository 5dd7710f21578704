namespace Uncloak.Fleet.Decisions;

/// <summary>
/// Received bans waiting to be applied together: one store transaction and one kernel transaction per batch, because
/// each batch costs a fixed part (the store's intent rows, the rate cap's window, an nftables commit) that one ban at a
/// time would pay 100,000 times in a burst. A batch is due when it is full or when its first ban has waited
/// <see cref="Window"/>, so a lone live ban is held back at most that long; while the watch reports more entries waiting
/// on the server (a late joiner's snapshot, a burst) it waits up to <see cref="BacklogWindow"/> instead, so a snapshot of
/// 100,000 bans is applied as one batch, as <c>bans import</c> applies a list (each batch costs a pass over the bans in
/// force, so many small ones cost far more than one large one). A later value of a key replaces the earlier one in place
/// (the bucket's newest value is the one that counts). Not thread-safe: one receive loop owns it.
/// </summary>
public sealed class FleetBatch
{
    /// <summary>Bans per batch at most: a 100,000-ban burst is one batch (about 25 MB while it waits), never more.</summary>
    public const int DefaultMax = 100_000;

    /// <summary>How long a batch may wait for more while entries are known to be waiting: bounded, should the rest never come.</summary>
    public static readonly TimeSpan BacklogWindow = TimeSpan.FromSeconds(1);

    /// <summary>How long the first ban of a batch waits for others: short beside the fleet's 1 s propagation target.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(50);

    // A ban revoked while it waits leaves a null behind (Remove), so the other bans keep their places in _index.
    private readonly List<FleetBan?> _bans = [];
    private int _count;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private DateTimeOffset _opened;

    public FleetBatch(int max = DefaultMax, TimeSpan? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        Max = max;
        Window = window ?? DefaultWindow;
    }

    public int Max { get; }

    public TimeSpan Window { get; }

    public int Count => _count;

    /// <summary>When the waiting batch's first ban came (for the log).</summary>
    public DateTimeOffset Opened => _opened;

    public bool Full => _count >= Max;

    /// <summary>True when <paramref name="bans"/> more fit (a chunk's bans are applied in one batch, never split).</summary>
    public bool Fits(int bans) => _count == 0 || _count + bans <= Max;

    /// <summary>Adds <paramref name="ban"/> received at <paramref name="now"/>; a ban already waiting under its key is replaced.</summary>
    public void Add(FleetBan ban, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ban);
        if (_index.TryGetValue(ban.Key, out int i))
        {
            _bans[i] = ban;
            return;
        }
        if (_count == 0)
        {
            _opened = now;
        }
        _index[ban.Key] = _bans.Count;
        _bans.Add(ban);
        _count++;
    }

    /// <summary>Drops the ban waiting under <paramref name="key"/> (revoked before it was applied); false when none waits.</summary>
    public bool Remove(string key)
    {
        if (!_index.Remove(key, out int i))
        {
            return false;
        }
        _bans[i] = null;
        _count--;
        return true;
    }

    /// <summary>True when the batch should be applied now: it is full, or its first ban has waited the whole window.</summary>
    public bool Due(DateTimeOffset now) => Due(now, backlog: false);

    /// <summary>The same, the window being <see cref="BacklogWindow"/> while <paramref name="backlog"/> (more entries wait on the server).</summary>
    public bool Due(DateTimeOffset now, bool backlog) => Full || (_count > 0 && now - _opened >= (backlog ? BacklogWindow : Window));

    /// <summary>How long to wait for more before the batch is due (zero when due or empty).</summary>
    public TimeSpan Remaining(DateTimeOffset now) => Remaining(now, backlog: false);

    /// <summary>The same, with <see cref="BacklogWindow"/> while <paramref name="backlog"/>.</summary>
    public TimeSpan Remaining(DateTimeOffset now, bool backlog)
        => _count == 0 || Due(now, backlog) ? TimeSpan.Zero : (backlog ? BacklogWindow : Window) - (now - _opened);

    /// <summary>The waiting bans, in arrival order of their keys; the batch is empty afterwards.</summary>
    public List<FleetBan> Take()
    {
        var taken = new List<FleetBan>(_count);
        foreach (var b in _bans)
        {
            if (b is not null)
            {
                taken.Add(b);
            }
        }
        _bans.Clear();
        _index.Clear();
        _count = 0;
        return taken;
    }
}
