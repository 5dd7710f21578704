using System.Globalization;

namespace Uncloak.Core.Audit.Checks;

/// <summary>`tcp.backlog`: net.core.somaxconn, net.ipv4.tcp_max_syn_backlog and the largest listener backlog must fit together.</summary>
public sealed class BacklogCheck : AuditCheck
{
    /// <summary>The kernel default since 5.4, and the floor recommended for a web server.</summary>
    public const long RecommendedSomaxconn = 4096;

    public override string Id => "tcp.backlog";
    public override AuditGroup Group => AuditGroup.Tcp;
    public override Severity Severity => Severity.Medium;
    public override string Title => "SYN backlog, somaxconn and listener backlogs fit together";
    public override string Expected => "net.core.somaxconn ≥ 4096 (no listener held at a lower cap); with SYN cookies off, net.ipv4.tcp_max_syn_backlog ≥ net.core.somaxconn";

    public override string Rationale =>
        "A listener's effective backlog is min(the backlog the application passed to listen(), net.core.somaxconn); it bounds " +
        "both its SYN queue (half-open connections) and its accept queue (connections waiting for accept()). When the SYN " +
        "queue is full the kernel switches to SYN cookies (or drops, with cookies off); when the accept queue is full it " +
        "drops the client's final ACK (ListenOverflows) and the client retransmits. A somaxconn below 4096 (the default " +
        "since 5.4; 128 before) silently cuts down whatever backlog the web server asked for, so short bursts turn into " +
        "retransmission stalls of one second and more. net.ipv4.tcp_max_syn_backlog no longer sizes the queue (since ≈4.4), " +
        "but with cookies off the kernel starts refusing SYNs from unverified peers once the queue passes ¾ of it, so there " +
        "it should not be smaller than the largest backlog a listener can have (somaxconn); with cookies on it is not " +
        "consulted at all. Each queued request costs ~300 bytes.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        if (snapshot.Int("net.core.somaxconn") is not { } somaxconn || snapshot.Int("net.ipv4.tcp_max_syn_backlog") is not { } synBacklog)
        {
            yield return Skip("net.core.somaxconn or net.ipv4.tcp_max_syn_backlog is not readable.");
            yield break;
        }
        int largest = snapshot.Listeners.Count == 0 ? 0 : snapshot.Listeners.Max(l => l.Backlog);
        string observed = $"net.core.somaxconn={somaxconn} net.ipv4.tcp_max_syn_backlog={synBacklog}" +
            (snapshot.ListenersKnown ? $" largest listener backlog={largest}" : " (listener table not readable)");
        var problems = new List<string>();
        long wantSomaxconn = Math.Max(somaxconn, RecommendedSomaxconn);
        if (somaxconn < RecommendedSomaxconn)
        {
            problems.Add($"somaxconn {somaxconn} is below {RecommendedSomaxconn}: every listen() backlog is capped at {somaxconn}.");
        }
        if (snapshot.ListenersKnown && largest >= somaxconn && somaxconn < RecommendedSomaxconn)
        {
            var capped = snapshot.Listeners.Where(l => l.Backlog >= somaxconn).Select(l => l.ToString()).Distinct().Take(5);
            problems.Add($"listeners {string.Join(", ", capped)} sit exactly at the cap, so they asked for more than they got.");
        }
        // tcp_conn_request() consults tcp_max_syn_backlog only when syncookies are off: with cookies it is irrelevant.
        bool cookiesOff = snapshot.Int("net.ipv4.tcp_syncookies") == 0;
        bool synBacklogShort = cookiesOff && synBacklog < wantSomaxconn;
        if (synBacklogShort)
        {
            problems.Add($"tcp_max_syn_backlog {synBacklog} is below the largest possible listener backlog ({wantSomaxconn}): with cookies off, SYNs from new peers are refused once a queue passes {synBacklog * 3 / 4}.");
        }
        if (problems.Count == 0)
        {
            yield return Pass(observed);
            yield break;
        }
        var changes = new List<SysctlChange>();
        if (somaxconn < RecommendedSomaxconn)
        {
            changes.Add(new SysctlChange("net.core.somaxconn", wantSomaxconn.ToString(CultureInfo.InvariantCulture)));
        }
        if (synBacklogShort)
        {
            changes.Add(new SysctlChange("net.ipv4.tcp_max_syn_backlog", wantSomaxconn.ToString(CultureInfo.InvariantCulture)));
        }
        yield return NotMet(observed, new Fix
        {
            Sysctls = changes,
            Manual = somaxconn < RecommendedSomaxconn
                ? "Raising somaxconn takes effect for sockets that call listen() afterwards: restart or reload the web server."
                : null,
        }, detail: string.Join(' ', problems));
    }
}
