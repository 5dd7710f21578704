namespace Uncloak.Core.Audit.Checks;

/// <summary>`tcp.syncookies`: SYN cookies must be on, or a SYN flood fills every listener's SYN queue and real clients are refused.</summary>
public sealed class SynCookiesCheck : SysctlCheck
{
    public override string Id => "tcp.syncookies";
    public override AuditGroup Group => AuditGroup.Tcp;
    public override Severity Severity => Severity.High;
    public override string Title => "SYN cookies answer SYN floods";
    public override string Expected => "net.ipv4.tcp_syncookies=1";
    protected override string Key => "net.ipv4.tcp_syncookies";
    protected override long FixValue => 1;

    public override string Rationale =>
        "A SYN flood fills a listener's SYN queue with half-open requests from spoofed addresses. With cookies on (1), " +
        "once that queue is full the kernel answers further SYNs statelessly: the connection state rides in the SYN-ACK's " +
        "sequence number and costs nothing until a real client completes the handshake. With cookies off (0) those SYNs " +
        "are dropped (TCPReqQFullDrop, \"Dropping request\"), and real clients time out with the attackers. 1 costs nothing " +
        "in normal operation; 2 uses cookies for every SYN, which hides the flood (no log line at all) and loses TCP options " +
        "that timestamps cannot carry. Banning sources does not help here: SYN-flood sources are spoofed.";

    protected override bool IsOk(long value) => value == 1;

    protected override string? DetailFor(long value) => value switch
    {
        0 => "Cookies are off: when a listener's SYN queue fills, new SYNs are dropped and legitimate clients are refused with the attackers.",
        2 => "Cookies are forced for every connection: floods go unlogged and connections lose options (window scaling, SACK) whenever timestamps are off.",
        _ => $"{value} is not a value the kernel documents (0, 1 or 2).",
    };
}
