namespace Uncloak.Core.Audit.Checks;

/// <summary>`tcp.abort_on_overflow`: a trade-off, explained; 0 is right for a web server that has short bursts.</summary>
public sealed class AbortOnOverflowCheck : SysctlCheck
{
    public override string Id => "tcp.abort_on_overflow";
    public override AuditGroup Group => AuditGroup.Tcp;
    public override Severity Severity => Severity.Medium;
    public override string Title => "Accept-queue overflow is retried, not reset";
    public override string Expected => "net.ipv4.tcp_abort_on_overflow=0 (unless you want clients to fail fast)";
    protected override string Key => "net.ipv4.tcp_abort_on_overflow";
    protected override long FixValue => 0;

    public override string Rationale =>
        "When a listener's accept queue is full (the application is not calling accept() fast enough), the kernel has two " +
        "choices for a client that just completed the handshake. With 0 it ignores the client's ACK; the client believes " +
        "it is connected, retransmits, and gets in as soon as the application catches up: a burst becomes a delay of a " +
        "second or so. With 1 it answers with a RST: the client sees \"connection reset\" at once. 1 is right only when a " +
        "fast failure is worth more than the connection, e.g. behind a load balancer that retries another backend, or " +
        "when the service is permanently too slow and you would rather shed load than queue it. On a single web server it " +
        "turns every short overload into errors users see, and it does nothing against floods (SYN floods never reach " +
        "the accept queue). Fix the slowness instead: more workers, a larger backlog (tcp.backlog, listener.backlog).";

    protected override bool IsOk(long value) => value == 0;

    protected override string? DetailFor(long value) =>
        "Clients are reset whenever the accept queue is momentarily full. Keep it only if a load balancer in front retries elsewhere on RST; otherwise set 0.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot) =>
        // A deliberate trade-off, not a mistake: never more than a warning, whatever the severity.
        base.Evaluate(snapshot).Select(r => r.Status == CheckStatus.Fail ? r with { Status = CheckStatus.Warn } : r);
}
