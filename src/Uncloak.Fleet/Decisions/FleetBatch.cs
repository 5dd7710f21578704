namespace Uncloak.Fleet.Decisions;

/// <summary>
/// Received bans waiting to be applied together: one store transaction and one kernel transaction per batch, because
/// each batch costs a fixed part (the store's intent rows, the rate cap's window, an nftables commit) that one ban at a
/// time would pay 100,000 times in a burst. A batch is due when it is full or when its first ban has waited
/// <see cref="Window"/>, so a lone live ban is held back at most that long. A later value of a key replaces the earlier
/// one in place (the bucket's newest value is the one that counts). Not thread-safe: one receive loop owns it.
/// </summary>
public sealed class FleetBatch
{
    /// <summary>Bans per batch at most: a 100,000-ban burst is applied in a handful of batches, each bounded in memory.</summary>
    public const int DefaultMax = 20_000;

    /// <summary>How long the first ban of a batch waits for others: short beside the fleet's 1 s propagation target.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(50);

    private readonly List<FleetBan> _bans = [];
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

    public int Count => _bans.Count;

    public bool Full => _bans.Count >= Max;

    /// <summary>Adds <paramref name="ban"/> received at <paramref name="now"/>; a ban already waiting under its key is replaced.</summary>
    public void Add(FleetBan ban, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ban);
        if (_index.TryGetValue(ban.Key, out int i))
        {
            _bans[i] = ban;
            return;
        }
        if (_bans.Count == 0)
        {
            _opened = now;
        }
        _index[ban.Key] = _bans.Count;
        _bans.Add(ban);
    }

    /// <summary>True when the batch should be applied now: it is full, or its first ban has waited the whole window.</summary>
    public bool Due(DateTimeOffset now) => Full || (_bans.Count > 0 && now - _opened >= Window);

    /// <summary>How long to wait for more before the batch is due (zero when due or empty).</summary>
    public TimeSpan Remaining(DateTimeOffset now)
        => _bans.Count == 0 || Due(now) ? TimeSpan.Zero : Window - (now - _opened);

    /// <summary>The waiting bans, in arrival order of their keys; the batch is empty afterwards.</summary>
    public List<FleetBan> Take()
    {
        var taken = new List<FleetBan>(_bans);
        _bans.Clear();
        _index.Clear();
        return taken;
    }
}
