namespace Uncloak.Fleet;

/// <summary>The agent's state and counters, read by <c>fleet status</c>, <c>/metrics</c> and the tests. Thread-safe.</summary>
public sealed class FleetStatus
{
    private long _applied, _refused, _revoked, _echoes, _duplicates, _expired, _filtered, _forged, _malformed, _put, _deleted;

    /// <summary>True while connected to a server of the cluster.</summary>
    public bool Connected { get; internal set; }

    /// <summary>The last connection or bus error, or null.</summary>
    public string? LastError { get; internal set; }

    /// <summary>
    /// True while this host's puts carry a per-key TTL (<see cref="Decisions.KeyTtl"/>: a 2.11+ server and a bucket that
    /// allows it); false on Debian's 2.9, where expiry is the receivers' nftables timeouts alone.
    /// </summary>
    public bool KeyTtl { get; internal set; }

    /// <summary>True once the first snapshot of the bucket was read (every ban in force before the start is applied).</summary>
    public bool Synced { get; internal set; }

    public long Applied => Interlocked.Read(ref _applied);

    public long Refused => Interlocked.Read(ref _refused);

    public long Revoked => Interlocked.Read(ref _revoked);

    public long Echoes => Interlocked.Read(ref _echoes);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Expired => Interlocked.Read(ref _expired);

    public long Filtered => Interlocked.Read(ref _filtered);

    /// <summary>Values whose origin does not match the key's host: refused.</summary>
    public long Forged => Interlocked.Read(ref _forged);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long Put => Interlocked.Read(ref _put);

    public long Deleted => Interlocked.Read(ref _deleted);

    internal void Count(Decisions.FleetVerdict verdict)
    {
        switch (verdict)
        {
            case Decisions.FleetVerdict.Echo: Interlocked.Increment(ref _echoes); break;
            case Decisions.FleetVerdict.Duplicate: Interlocked.Increment(ref _duplicates); break;
            case Decisions.FleetVerdict.Expired: Interlocked.Increment(ref _expired); break;
            case Decisions.FleetVerdict.Filtered: Interlocked.Increment(ref _filtered); break;
            case Decisions.FleetVerdict.OriginMismatch: Interlocked.Increment(ref _forged); break;
            case Decisions.FleetVerdict.Malformed: Interlocked.Increment(ref _malformed); break;
            default: break;
        }
    }

    internal void AddApplied(int applied, int refused)
    {
        Interlocked.Add(ref _applied, applied);
        Interlocked.Add(ref _refused, refused);
    }

    internal void AddRevoked() => Interlocked.Increment(ref _revoked);

    internal void AddPublished(int put, int deleted)
    {
        Interlocked.Add(ref _put, put);
        Interlocked.Add(ref _deleted, deleted);
    }
}
