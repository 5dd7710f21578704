using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Where a rollup's count applies.</summary>
public enum RollupScope : byte
{
    /// <summary>All events of the kind in one minute.</summary>
    Minute = 0,

    /// <summary>One peer's events of the kind in one day.</summary>
    PeerDay = 1,

    /// <summary>Events of the kind to one local port in one day.</summary>
    PortDay = 2,
}

/// <summary>One aggregate row: <see cref="Bucket"/> counts minutes (Minute) or days, since year 1 for wall clocks or since boot for uptime.</summary>
public readonly record struct RollupRecord(int SourceId, EventKind Kind, RollupScope Scope, bool Uptime, long Bucket, NetAddress Peer, ushort Port, long Count);
