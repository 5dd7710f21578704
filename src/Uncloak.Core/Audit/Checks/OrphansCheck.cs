namespace Uncloak.Core.Audit.Checks;

/// <summary>`tcp.orphans`: orphaned sockets far from the limit at which the kernel starts resetting them.</summary>
public sealed class OrphansCheck : AuditCheck
{
    public override string Id => "tcp.orphans";
    public override AuditGroup Group => AuditGroup.Capacity;
    public override Severity Severity => Severity.Medium;
    public override string Title => "Orphaned sockets are far from the limit";
    public override string Expected => "orphans (/proc/net/sockstat) below ¼ of net.ipv4.tcp_max_orphans";

    public override string Rationale =>
        "An orphan is a connection the application has closed but the kernel still finishes: unsent data, FIN_WAIT, " +
        "LAST_ACK. Peers that stop reading (a closed receive window, the \"treason\" family) keep orphans alive for minutes. " +
        "Past tcp_max_orphans, the kernel resets connections on close instead of finishing them and logs \"TCP: too many " +
        "orphaned sockets\"; for orphans that have been stuck a while the check bites at ½ or even ¼ of the limit. The limit " +
        "is sized from RAM at boot and is a DoS brake, not a tuning knob: do not lower it (each orphan may hold ~64 KB). If " +
        "orphans climb, find who holds them (`ss -tan state fin-wait-1`), lower net.ipv4.tcp_orphan_retries (e.g. 3) and " +
        "net.ipv4.tcp_fin_timeout (e.g. 30), and raise the limit only if RAM allows.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (snapshot.TcpSockets is not { } stats || snapshot.Int("net.ipv4.tcp_max_orphans") is not { } max)
        {
            yield return Skip("/proc/net/sockstat or net.ipv4.tcp_max_orphans is not readable.");
            yield break;
        }
        string observed = $"orphans={stats.Orphans} net.ipv4.tcp_max_orphans={max}";
        if (stats.Orphans * 4 < max)
        {
            yield return Pass(observed);
            yield break;
        }
        var fix = new Fix
        {
            Sysctls = [new SysctlChange("net.ipv4.tcp_orphan_retries", "3"), new SysctlChange("net.ipv4.tcp_fin_timeout", "30")],
            Manual = "Find the peers holding them: ss -tan state fin-wait-1 state last-ack | sort -k4 | uniq -c. Raise net.ipv4.tcp_max_orphans only if RAM allows (~64 KB each).",
        };
        string detail = stats.Orphans * 2 >= max
            ? "Past half the limit: stale orphans are being reset now and \"too many orphaned sockets\" is likely in the log."
            : "Past a quarter of the limit: orphans stuck for minutes are already being reset.";
        yield return stats.Orphans * 2 >= max ? NotMet(observed, fix, detail: detail) : Warn(observed, fix, detail: detail);
    }
}
