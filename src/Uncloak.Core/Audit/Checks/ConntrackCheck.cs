using System.Globalization;
using System.Numerics;

namespace Uncloak.Core.Audit.Checks;

/// <summary>`conntrack.max`: the connection-tracking table has room for the traffic and fits in memory.</summary>
public sealed class ConntrackCheck : AuditCheck
{
    /// <summary>What one tracked connection costs in kernel memory: struct nf_conn (≈ 256–320 bytes with extensions) plus its hash bucket.</summary>
    public const long BytesPerEntry = 320;

    public override string Id => "conntrack.max";
    public override AuditGroup Group => AuditGroup.Capacity;
    public override Severity Severity => Severity.High;
    public override string Title => "The conntrack table has room and fits in memory";
    public override string Expected => "no conntrack drops since boot; nf_conntrack_count below half of nf_conntrack_max; nf_conntrack_max × ~320 bytes ≤ 10% of RAM; max ≤ 4 × buckets";

    public override string Rationale =>
        "When the firewall tracks connections, every flow (including every spoofed SYN and every scan probe) takes an entry. " +
        "When nf_conntrack_count reaches nf_conntrack_max and no unconfirmed entry can be evicted, the kernel drops the " +
        "packet that would start a new flow and logs \"nf_conntrack: table full, dropping packet\": the server looks down to " +
        "everyone new while existing connections carry on. Keep at least twice the peak count as headroom. Each entry costs " +
        "about 320 bytes of unswappable memory, so a limit far beyond what RAM can hold turns a flood into memory pressure " +
        "instead. The kernel keeps no peak count, but /proc/net/stat/nf_conntrack counts the packets it dropped (drop) and " +
        "the entries it evicted (early_drop) for lack of room: non-zero means the table has been full since boot. Lookups walk a hash chain: keep max within 1–4 × nf_conntrack_buckets. A web server with no stateful " +
        "rules can also exempt its ports from tracking (nftables `notrack`) and not need the table at all.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (snapshot.Conntrack is not { } ct)
        {
            yield return Skip("connection tracking is not loaded here (no net.netfilter.nf_conntrack_max): nothing to fill.");
            yield break;
        }
        string observed = $"nf_conntrack_count={ct.Count} nf_conntrack_max={ct.Max}" + (ct.Buckets is { } b ? $" nf_conntrack_buckets={b}" : "") +
            (ct.Drops is { } d ? $"; since boot drop={d} early_drop={ct.EarlyDrops ?? 0}" : "");
        var problems = new List<string>();
        bool fail = false;
        double used = ct.Max > 0 ? (double)ct.Count / ct.Max : 1;
        if (used >= 0.8)
        {
            fail = true;
            problems.Add($"The table is {used:P0} full now: a burst of new flows will be dropped.");
        }
        else if (used >= 0.5)
        {
            problems.Add($"The table is {used:P0} full now, less than 2× headroom.");
        }
        if (ct.Drops is > 0)
        {
            fail = true;
            problems.Add($"The table has been full since boot: {ct.Drops} packets that would have started connections were dropped.");
        }
        else if (ct.EarlyDrops is > 0)
        {
            problems.Add($"The table has been full since boot: {ct.EarlyDrops} half-open entries were evicted to make room.");
        }
        long? ram = snapshot.MemoryTotalBytes;
        long affordable = ram is { } r ? r / 10 / BytesPerEntry : long.MaxValue;
        if (ct.Max * BytesPerEntry > (ram ?? long.MaxValue) / 10)
        {
            problems.Add($"A full table would pin {ct.Max * BytesPerEntry / (1024 * 1024)} MiB, more than 10% of {ram!.Value / (1024 * 1024)} MiB RAM.");
        }
        if (ct.Buckets is { } buckets && buckets > 0 && ct.Max > 4 * buckets)
        {
            problems.Add($"max is {ct.Max / buckets}× the buckets: lookups walk long chains under load.");
        }
        if (problems.Count == 0)
        {
            yield return Pass(observed);
            yield break;
        }
        // Room for twice the current count (or twice the limit that was hit, when packets were dropped), a power of two, within what memory affords (never below the current max unless memory says so).
        long need = ct.Drops is > 0 || ct.EarlyDrops is > 0 ? 2 * ct.Max : 2 * ct.Count;
        long want = Math.Max(ct.Max, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(need, 65536)));
        want = Math.Min(want, affordable);
        var changes = new List<SysctlChange>();
        if (want != ct.Max)
        {
            changes.Add(new SysctlChange("net.netfilter.nf_conntrack_max", want.ToString(CultureInfo.InvariantCulture)));
        }
        if (ct.Buckets is { } bk && (want > 4 * bk))
        {
            changes.Add(new SysctlChange("net.netfilter.nf_conntrack_buckets", (want / 2).ToString(CultureInfo.InvariantCulture)));
        }
        var fix = new Fix
        {
            Sysctls = changes,
            Manual = changes.Count == 0
                ? "The table cannot grow further within memory: exempt the web ports from tracking (nftables: `table inet raw { chain pre { type filter hook prerouting priority raw; tcp dport { 80, 443 } notrack } }`) or add RAM."
                : null,
        };
        string detail = string.Join(' ', problems);
        yield return fail ? NotMet(observed, fix, detail: detail) : Warn(observed, fix, detail: detail);
    }
}
