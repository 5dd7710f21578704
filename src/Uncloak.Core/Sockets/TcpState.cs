namespace Uncloak.Core.Sockets;

/// <summary>TCP states as the kernel numbers them (include/net/tcp_states.h). inet_diag reports request sockets as <see cref="SynRecv"/>.</summary>
public enum TcpState : byte
{
    Unknown = 0,
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    Close = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
    NewSynRecv = 12,
}
