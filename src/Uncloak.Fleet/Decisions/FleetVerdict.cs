namespace Uncloak.Fleet.Decisions;

/// <summary>What a receiving host makes of one entry of the shared-bans bucket.</summary>
public enum FleetVerdict : byte
{
    /// <summary>A ban to apply (through this host's own safety rules, which may still refuse it).</summary>
    Apply,

    /// <summary>A revocation of a ban this host applied from that origin.</summary>
    Revoke,

    /// <summary>This host's own decision coming back: never applied twice.</summary>
    Echo,

    /// <summary>Already applied with the same expiry (a redelivery after a reconnect or a restart).</summary>
    Duplicate,

    /// <summary>Its expiry has passed.</summary>
    Expired,

    /// <summary>The accept filter (scenarios, origins) leaves it out.</summary>
    Filtered,

    /// <summary>The value names another host than the key it came under (a forged or confused publisher).</summary>
    OriginMismatch,

    /// <summary>A key or value this format does not produce.</summary>
    Malformed,

    /// <summary>A revocation of something this host never applied.</summary>
    Nothing,
}
