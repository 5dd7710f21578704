namespace Uncloak.Core.Decisions;

/// <summary>
/// What the kernel's ban sets should hold, derived from the store's decisions (the truth), and the
/// element changes that take the kernel from one state to another in one transaction.
/// Interval sets reject overlapping elements, so a prefix covered by a wider banned prefix is not
/// put in the kernel (it is blocked already); the decision is still stored.
/// </summary>
public static class BanSetPlan
{
    /// <summary>The elements the kernel should hold at <paramref name="now"/>: one per target (latest expiry wins), covered prefixes left out.</summary>
    public static Dictionary<BanTarget, DateTimeOffset> Desired(IEnumerable<Decision> decisions, DateTimeOffset now)
    {
        var byTarget = new Dictionary<BanTarget, DateTimeOffset>();
        foreach (var d in decisions)
        {
            if (!d.IsInForceAt(now))
            {
                continue;
            }
            if (!byTarget.TryGetValue(d.Target, out var e) || d.Expires > e)
            {
                byTarget[d.Target] = d.Expires;
            }
        }
        RemoveCovered(byTarget);
        return byTarget;
    }

    /// <summary>The elements the kernel should hold for targets already reduced to their latest expiry (see <c>DecisionStore.InForceTargets</c>): covered prefixes left out.</summary>
    public static Dictionary<BanTarget, DateTimeOffset> Desired(IReadOnlyDictionary<BanTarget, DateTimeOffset> inForce)
    {
        var byTarget = new Dictionary<BanTarget, DateTimeOffset>(inForce);
        RemoveCovered(byTarget);
        return byTarget;
    }

    /// <summary>
    /// <see cref="Desired(IReadOnlyDictionary{BanTarget, DateTimeOffset})"/> without the copy, for a caller that owns
    /// <paramref name="inForce"/>: its covered prefixes are removed and the same dictionary is returned.
    /// </summary>
    public static Dictionary<BanTarget, DateTimeOffset> DropCovered(Dictionary<BanTarget, DateTimeOffset> inForce)
    {
        ArgumentNullException.ThrowIfNull(inForce);
        RemoveCovered(inForce);
        return inForce;
    }

    /// <summary>
    /// The changes from <paramref name="current"/> to <paramref name="desired"/>: elements to add (missing, or
    /// whose expiry moved by more than <paramref name="slack"/>) and targets to delete (not desired).
    /// An element whose expiry changed is deleted and re-added, since adding an existing element keeps its old timeout.
    /// </summary>
    public static (List<BanElement> Add, List<BanTarget> Delete) Diff(
        IReadOnlyDictionary<BanTarget, DateTimeOffset> current,
        IReadOnlyDictionary<BanTarget, DateTimeOffset> desired,
        TimeSpan slack)
    {
        var add = new List<BanElement>();
        var delete = new List<BanTarget>();
        foreach (var (target, expires) in current)
        {
            if (!desired.TryGetValue(target, out var want))
            {
                delete.Add(target);
            }
            else if ((want - expires).Duration() > slack)
            {
                delete.Add(target);
                add.Add(new BanElement(target, want));
            }
        }
        foreach (var (target, expires) in desired)
        {
            if (!current.ContainsKey(target))
            {
                add.Add(new BanElement(target, expires));
            }
        }
        // Unordered on purpose: the kernel does not care, and sorting 100k elements costs more than the rest of the diff.
        return (add, delete);
    }

    /// <summary>Drops every prefix that lies inside another prefix of the same map (hosts live in hash sets and never conflict).</summary>
    private static void RemoveCovered(Dictionary<BanTarget, DateTimeOffset> byTarget)
    {
        var prefixLengths = new SortedSet<int>();
        foreach (var t in byTarget.Keys)
        {
            if (!t.IsHost)
            {
                prefixLengths.Add(t.PrefixLength + (t.IsV4 ? 0 : 1000));
            }
        }
        if (prefixLengths.Count < 2)
        {
            return;
        }
        var covered = new List<BanTarget>();
        foreach (var t in byTarget.Keys)
        {
            if (t.IsHost)
            {
                continue;
            }
            foreach (int key in prefixLengths)
            {
                bool v4 = key < 1000;
                int len = v4 ? key : key - 1000;
                if (v4 != t.IsV4 || len >= t.PrefixLength)
                {
                    continue;
                }
                if (byTarget.ContainsKey(new BanTarget(t.Network, len)))
                {
                    covered.Add(t);
                    break;
                }
            }
        }
        foreach (var t in covered)
        {
            byTarget.Remove(t);
        }
    }
}
