namespace Uncloak.Fleet.Decisions;

/// <summary>
/// A shared ban as it travels in the KV bucket (JSON). The expiry is in the value because Debian's nats-server (2.9) has
/// no per-key TTL: every receiver turns it into its own nftables timeout. <see cref="Origin"/> repeats the host of the key
/// so a receiver can refuse a value written under another host's key.
/// </summary>
public sealed record FleetDecision
{
    /// <summary>The banned network as written by <see cref="Core.Decisions.BanTarget.ToString"/>.</summary>
    public required string Target { get; init; }

    /// <summary>When the ban ends (UTC).</summary>
    public required DateTimeOffset Expires { get; init; }

    /// <summary>The host that decided.</summary>
    public required string Origin { get; init; }

    /// <summary>The scenario that fired, when one did.</summary>
    public string? Scenario { get; init; }

    /// <summary>Why, as the deciding host stored it.</summary>
    public string Reason { get; init; } = "";

    /// <summary>How the deciding host came to it, in a line (its local origin and evidence), for the receivers' records.</summary>
    public string? Evidence { get; init; }
}
