namespace Uncloak.Core.Audit.Checks;

/// <summary>`tcp.synack_retries`: half-open connections should give up after 2–3 SYN-ACK retransmissions, not 5.</summary>
public sealed class SynAckRetriesCheck : SysctlCheck
{
    public override string Id => "tcp.synack_retries";
    public override AuditGroup Group => AuditGroup.Tcp;
    public override Severity Severity => Severity.Low;
    public override string Title => "Half-open connections expire quickly";
    public override string Expected => "net.ipv4.tcp_synack_retries between 2 and 3";
    protected override string Key => "net.ipv4.tcp_synack_retries";
    protected override long FixValue => 3;

    public override string Rationale =>
        "Every SYN this host answers stays in the listener's SYN queue until the client's ACK arrives or the SYN-ACK has " +
        "been retransmitted tcp_synack_retries times (1 s, 2 s, 4 s … apart). The default 5 keeps a request from a spoofed " +
        "address for about 63 s; 3 for about 15 s, 2 for about 7 s. Shorter lifetimes mean a flood fills the queue more " +
        "slowly and it drains sooner, so fewer real clients are pushed onto SYN cookies. Below 2, clients on lossy mobile " +
        "links start to fail their handshakes.";

    protected override bool IsOk(long value) => value is >= 2 and <= 3;

    protected override string? DetailFor(long value) => value < 2
        ? $"{value} retransmission(s) is too few: a client whose first ACK is lost never gets in."
        : $"A request from a spoofed address occupies the SYN queue for about {(1L << (int)Math.Min(value + 1, 30)) - 1} s.";
}
