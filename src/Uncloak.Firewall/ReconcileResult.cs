using Uncloak.Core.Decisions;

namespace Uncloak.Firewall;

/// <summary>What a reconciliation did: whether it had to create the sets and chain, elements restored from the store, stale ones removed, ones whose expiry was corrected, and ones already right.</summary>
public readonly record struct ReconcileResult(bool Installed, int Restored, int Removed, int Refreshed, int Kept)
{
    public static ReconcileResult Of(
        bool wasInstalled,
        IReadOnlyDictionary<BanTarget, DateTimeOffset> current,
        IReadOnlyDictionary<BanTarget, DateTimeOffset> desired,
        IReadOnlyCollection<BanElement> add,
        IReadOnlyCollection<BanTarget> delete)
    {
        int removed = delete.Count(t => !desired.ContainsKey(t));
        int refreshed = delete.Count - removed;
        return new ReconcileResult(!wasInstalled, add.Count - refreshed, removed, refreshed, current.Count - removed - refreshed);
    }
}
