using Uncloak.Core.Decisions;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// The hardening ruleset Uncloak owns, as data. Rendered by <see cref="PolicyRuleset"/> into chain
/// <c>guard</c> (prerouting, priority mangle -150: after conntrack so <c>ct state</c> and <c>ct count</c>
/// work, before routing so forwarded and container traffic is covered) and its sets, in table inet uncloak.
/// There is deliberately no SYN rate limit: see <see cref="PolicyRuleset.WhyNoSynRateLimit"/>.
/// </summary>
public sealed record FirewallPolicy
{
    /// <summary>Always accepted first (management and monitoring hosts), before any drop rule of the policy.</summary>
    public IReadOnlyList<BanTarget> Management { get; init; } = [];

    /// <summary>The internet-facing interface; bogon sources are dropped only there (private nets are normal on a LAN). Null: no bogon filter.</summary>
    public string? PublicInterface { get; init; }

    /// <summary>Networks that never source legitimate internet traffic (shipped in config/bogons, updatable).</summary>
    public IReadOnlyList<BanTarget> Bogons { get; init; } = [];

    /// <summary>ICMP/ICMPv6 echo requests per second allowed from one source (burst twice that); beyond it they are dropped.</summary>
    public int EchoPerSecond { get; init; } = 5;

    /// <summary>Echo requests longer than this (whole packet, bytes) are dropped: "large pings" buy an attacker amplification of your upstream.</summary>
    public int EchoMaxBytes { get; init; } = 1000;

    public IReadOnlyList<ConnectionLimit> ConnectionLimits { get; init; } = [];
}
