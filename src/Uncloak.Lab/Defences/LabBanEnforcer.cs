using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Defences;

/// <summary>
/// Uncloak's bans inside the lab's server namespace: the same <see cref="NftBanEnforcer"/> as <c>uncloak bans</c> (table
/// <c>inet uncloak</c>, sets with timeouts, a drop chain hooked early), driven through libnftables from a thread inside that
/// namespace, so the host's own firewall (and its own <c>inet uncloak</c> table, if any) is never touched.
/// </summary>
public sealed class LabBanEnforcer(LabNames names)
{
    /// <summary>How long a lab ban lasts (longer than any cell; the namespace is deleted after it anyway).</summary>
    public static readonly TimeSpan BanFor = TimeSpan.FromMinutes(10);

    /// <summary>Bans <paramref name="peers"/> (one transaction). Throws <see cref="LabException"/> with nftables' own words.</summary>
    public void Ban(IReadOnlyCollection<NetAddress> peers) => InServer(enforcer =>
    {
        var now = DateTimeOffset.UtcNow;
        enforcer.Apply([], [.. peers.Select(p => new BanElement(BanTarget.For(p), now + BanFor))], now);
        return 0;
    });

    /// <summary>Packets the ban sets dropped so far (0 when nothing was ever banned).</summary>
    public long DroppedPackets() => InServer(enforcer => enforcer.IsInstalled() ? enforcer.Counters().Sum(c => c.Packets) : 0);

    private T InServer<T>(Func<IBanEnforcer, T> work) => NetNamespace.Run(names.Server, () =>
    {
        try
        {
            // libnftables binds its netlink socket to the namespace of the thread that creates the context: this one.
            using var enforcer = new NftBanEnforcer(NftablesClient.OpenInProcess()
                ?? throw new LabException("bans in the lab need libnftables (package libnftables1)"));
            return work(enforcer);
        }
        catch (FirewallException e)
        {
            throw new LabException($"banning in {names.Server} failed: {e.Message}", e);
        }
    });
}
