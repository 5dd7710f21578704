using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Where a rollup's count applies.</summary>
public enum RollupScope : byte
{
    /// <summary>All events of the kind in one minute.</summary>
    Minute = 0,

    /// <summary>One peer's events of the kind, with the first and last minute seen.</summary>
    Peer = 1,

    /// <summary>Events of the kind to one local port, with the first and last minute seen.</summary>
    Port = 2,
}

/// <summary>One aggregate row; minutes count from year 1 (wall clock) or from boot (uptime).</summary>
public readonly record struct RollupRecord(int SourceId, EventKind Kind, RollupScope Scope, bool Uptime, long Minute, NetAddress Peer, ushort Port, long Count, long FirstMinute, long LastMinute);
