using System.Diagnostics;
using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;

namespace Uncloak.Firewall.Nftables;

/// <summary>Bans in nftables: table <c>inet uncloak</c>, sets ban4/ban6/ban4net/ban6net, chain <c>bans</c> at prerouting raw.</summary>
public sealed class NftFirewallBackend : IFirewallBackend
{
    private readonly INftables _nft;
    private readonly SetElementSocket? _elements;

    /// <param name="nft">Everything but element changes of the hash sets, and those too when <paramref name="elements"/> is null or fails.</param>
    /// <param name="elements">
    /// Element changes of single addresses as a direct netlink batch (<see cref="SetElementBatch"/>); opened in the same
    /// network namespace as <paramref name="nft"/>. Owned: disposed with this backend.
    /// </param>
    public NftFirewallBackend(INftables nft, SetElementSocket? elements = null)
    {
        _nft = nft;
        _elements = elements;
    }

    public string Name => $"nftables ({_nft.Name})";

    /// <summary>
    /// Told why a change that could go as a netlink batch went through libnftables instead (the kernel refused the
    /// batch, the socket failed): the change is still made, but at libnftables' speed, so the daemon logs the reason.
    /// </summary>
    public Action<string>? NetlinkFallback { get; set; }

    /// <summary>
    /// Cheap (a few ms whatever the set sizes): the chain <c>bans</c> exists. Listing the chain's rules would make
    /// nft load every set element into its cache (0.4 s at 100k bans), so the per-ban path trusts the chain; a table
    /// flushed by hand keeps the chain but loses its rules, which is what <c>bans sync</c> (<see cref="Reconcile"/>) checks and repairs.
    /// </summary>
    public bool IsInstalled()
    {
        var r = _nft.ListJson($"list chains {BanSets.Family}");
        if (!r.Ok)
        {
            return false;
        }
        using var doc = JsonDocument.Parse(r.Output);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var c) && c.GetProperty("table").GetString() == BanSets.Table && c.GetProperty("name").GetString() == BanSets.Chain)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The full check: the chain holds its four drop rules (and so the sets they reference exist). Costs a listing of
    /// the chain, which makes nft load the sets' elements (≈ 0.4 s at 100,000 bans), but no diff against the store.
    /// </summary>
    public bool IsFullyInstalled()
    {
        var r = _nft.ListJson($"list chain {BanSets.Family} {BanSets.Table} {BanSets.Chain}");
        if (!r.Ok)
        {
            return false; // no table or no chain: "No such file or directory"
        }
        using var doc = JsonDocument.Parse(r.Output);
        int rules = 0;
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("rule", out var rule) && rule.TryGetProperty("comment", out var c) &&
                c.GetString() is { } comment && comment.StartsWith("uncloak ban", StringComparison.Ordinal))
            {
                rules++;
            }
        }
        // The chain's rules reference the sets, and nft refuses to delete a set in use, so four rules mean four sets.
        return rules == BanSets.All.Count;
    }

    public void Apply(IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        bool skeleton = !IsInstalled();
        RunElements(skeleton, skeleton ? [] : remove, add, now, "apply bans");
    }

    /// <summary>
    /// One element change, in one transaction: single addresses as a netlink batch when the socket is there, otherwise
    /// (networks in the batch, no socket, or the kernel refused the batch) the nft script through libnftables. A skeleton
    /// (table, sets, chain, rules) is created first in a transaction of its own, with no element: the bans of the change
    /// are still one transaction, and a crash in between leaves empty sets and the intent row, which the next run reconciles.
    /// </summary>
    private void RunElements(bool skeleton, IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now, string what)
    {
        if (_elements is not null && SetElementBatch.Supports(remove, add))
        {
            if (skeleton)
            {
                Run(BanScript.Render(true, [], [], now), what);
            }
            if (remove.Count == 0 && add.Count == 0)
            {
                return;
            }
            // A refusal aborted the whole batch, and a socket failure left it applied or not: either way the script
            // below makes the same change (adds are idempotent, deletes are preceded by adds) and words any error as nft does.
            if (_elements.TryApply(remove, add, now) is not { } failure)
            {
                return;
            }
            NetlinkFallback?.Invoke(failure);
            skeleton = false;
        }
        Run(BanScript.Render(skeleton, remove, add, now), what);
    }

    /// <summary>
    /// The handles of the ban table and its chain, or null when either is missing. Two listings of tables and chains,
    /// which nft answers without loading any set element (a few ms whatever the number of bans).
    /// </summary>
    public TableShape? Shape()
    {
        long table = FindHandle($"list tables {BanSets.Family}", "table", BanSets.Table, tableOf: null);
        long chain = table < 0 ? -1 : FindHandle($"list chains {BanSets.Family}", "chain", BanSets.Chain, tableOf: BanSets.Table);
        return table < 0 || chain < 0 ? null : new TableShape(table, chain);
    }

    /// <summary>The handle of the <paramref name="kind"/> named <paramref name="name"/> (in table <paramref name="tableOf"/> for a chain), -1 when absent.</summary>
    private long FindHandle(string command, string kind, string name, string? tableOf)
    {
        var r = _nft.ListJson(command);
        if (!r.Ok)
        {
            return -1;
        }
        using var doc = JsonDocument.Parse(r.Output);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty(kind, out var o) && o.GetProperty("name").GetString() == name
                && (tableOf is null || o.GetProperty("table").GetString() == tableOf) && o.TryGetProperty("handle", out var handle))
            {
                return handle.GetInt64();
            }
        }
        return -1;
    }

    public Dictionary<BanTarget, DateTimeOffset> ReadElements(DateTimeOffset now)
    {
        var elements = new Dictionary<BanTarget, DateTimeOffset>();
        foreach (var set in BanSets.All)
        {
            var r = _nft.ListJson($"list set {BanSets.Family} {BanSets.Table} {set}");
            if (!r.Ok)
            {
                continue; // set absent: it holds nothing
            }
            using var doc = JsonDocument.Parse(r.Output);
            foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
            {
                if (!item.TryGetProperty("set", out var s) || !s.TryGetProperty("elem", out var elems))
                {
                    continue;
                }
                foreach (var e in elems.EnumerateArray())
                {
                    if (TryReadElement(e, now, out var target, out var expires))
                    {
                        elements[target] = expires;
                    }
                }
            }
        }
        return elements;
    }

    public ReconcileResult Reconcile(IReadOnlyDictionary<BanTarget, DateTimeOffset> desired, DateTimeOffset now)
    {
        long entered = Stopwatch.GetTimestamp();
        bool installed = IsFullyInstalled();
        if (!installed)
        {
            // Nothing to diff against (the sets are (re)created): every desired element is added. This is the path of
            // a first 100,000-ban import, where the diff's lists and look-ups were .NET work ahead of the kernel's.
            var all = new List<BanElement>(desired.Count);
            foreach (var (target, expires) in desired)
            {
                all.Add(new BanElement(target, expires));
            }
            RunElements(true, [], all, now, "reconcile bans");
            return new ReconcileResult(Installed: true, Restored: all.Count, Removed: 0, Refreshed: 0, Kept: 0);
        }
        // The kernel tells the time left at the moment it lists, which can be seconds after `now` on a loaded machine
        // with 100,000 elements (the check above is a listing too): read them against the time the listing starts, and
        // allow for the listing's own length, or every element looks to expire that much late and is deleted and re-added.
        var listing = now + Stopwatch.GetElapsedTime(entered);
        long listed = Stopwatch.GetTimestamp();
        var current = ReadElements(listing);
        // Kernel expiries are whole seconds; only a real difference (not rounding) is worth a delete and re-add.
        var (add, delete) = BanSetPlan.Diff(current, desired, TimeSpan.FromSeconds(5) + Stopwatch.GetElapsedTime(listed));
        var result = ReconcileResult.Of(wasInstalled: true, current, desired, add, delete);
        if (add.Count == 0 && delete.Count == 0)
        {
            return result;
        }
        RunElements(false, delete, add, now, "reconcile bans");
        return result;
    }

    public void Flush()
    {
        if (IsFullyInstalled())
        {
            Run(BanScript.RenderFlush(), "flush bans");
        }
    }

    public IReadOnlyList<SetCounter> Counters()
    {
        var counters = new List<SetCounter>();
        var r = _nft.ListJson($"list chain {BanSets.Family} {BanSets.Table} {BanSets.Chain}");
        if (!r.Ok)
        {
            return counters;
        }
        var sizes = ReadElements(DateTimeOffset.UnixEpoch).Keys.GroupBy(BanSets.For).ToDictionary(g => g.Key, g => g.Count());
        using var doc = JsonDocument.Parse(r.Output);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule) || !rule.TryGetProperty("comment", out var c) ||
                c.GetString() is not { } comment || !comment.StartsWith("uncloak ", StringComparison.Ordinal))
            {
                continue;
            }
            string set = comment["uncloak ".Length..];
            foreach (var expr in rule.GetProperty("expr").EnumerateArray())
            {
                if (expr.TryGetProperty("counter", out var counter) && counter.ValueKind == JsonValueKind.Object)
                {
                    counters.Add(new SetCounter(set, counter.GetProperty("packets").GetInt64(), counter.GetProperty("bytes").GetInt64(), sizes.GetValueOrDefault(set)));
                }
            }
        }
        return counters;
    }

    private static bool TryReadElement(JsonElement e, DateTimeOffset now, out BanTarget target, out DateTimeOffset expires)
    {
        target = default;
        expires = DateTimeOffset.MaxValue;
        JsonElement val = e;
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var inner))
        {
            val = inner.GetProperty("val");
            if (inner.TryGetProperty("expires", out var exp))
            {
                expires = now.AddSeconds(exp.GetDouble());
            }
        }
        if (val.ValueKind == JsonValueKind.String)
        {
            return BanTarget.TryParse(val.GetString(), out target, 128);
        }
        if (val.ValueKind == JsonValueKind.Object && val.TryGetProperty("prefix", out var prefix))
        {
            return BanTarget.TryParse($"{prefix.GetProperty("addr").GetString()}/{prefix.GetProperty("len").GetInt32()}", out target);
        }
        return false; // a range element: never written by Uncloak
    }

    /// <summary>
    /// Ban batches go in nft's own syntax, not JSON: libnftables builds a jansson tree of a JSON batch before its
    /// element list, which made a 100,000-ban import 2.5 times a raw <c>nft -f</c> (issue 17). Same transaction, same commands.
    /// </summary>
    private void Run(byte[] script, string what)
    {
        var r = _nft.RunScript(script);
        if (!r.Ok)
        {
            throw new FirewallException($"nftables refused to {what}: {r.Error.Trim()}");
        }
    }

    public void Dispose()
    {
        _elements?.Dispose();
        _nft.Dispose();
    }
}
