using Uncloak.Core.Decisions;

namespace Uncloak.Firewall;

/// <summary>
/// The kernel's ban sets: a driver under the ban action, not an action interface of its own (actions are
/// <c>Uncloak.Core.Enforcement.IEnforcer</c>; the daemon's <c>FirewallEnforcer</c> drives this through <c>BanWorkflow</c>).
/// Puts bans into the kernel. Implementations own their objects only (nftables: table inet uncloak;
/// iptables: chains and ipsets named uncloak-*) and apply each call as one batch. They hold no truth of
/// their own: the store decides, <see cref="Reconcile"/> makes the kernel match. Failures throw
/// <see cref="FirewallException"/> with the kernel's or tool's own words; a failed batch changed nothing.
/// </summary>
public interface IFirewallBackend : IDisposable
{
    /// <summary>"nftables (libnftables)", "nftables (nft)", "iptables+ipset".</summary>
    string Name { get; }

    /// <summary>True when the sets and the dropping chain are in place (as far as a cheap check can tell; <see cref="Reconcile"/> checks fully).</summary>
    bool IsInstalled();

    /// <summary>One batch: (re)creates the sets and chain if missing, removes <paramref name="remove"/>, adds <paramref name="add"/> with timeouts counted from <paramref name="now"/>.</summary>
    void Apply(IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now);

    /// <summary>What the kernel holds now: each element and when it will expire.</summary>
    Dictionary<BanTarget, DateTimeOffset> ReadElements(DateTimeOffset now);

    /// <summary>Makes the kernel hold exactly <paramref name="desired"/> in one batch: stale elements removed, missing ones restored.</summary>
    ReconcileResult Reconcile(IReadOnlyDictionary<BanTarget, DateTimeOffset> desired, DateTimeOffset now);

    /// <summary>Empties the ban sets; the chain and its counters stay.</summary>
    void Flush();

    /// <summary>Packets and bytes dropped per set since the chain was created.</summary>
    IReadOnlyList<SetCounter> Counters();
}
