namespace Uncloak.Core.Sockets;

/// <summary>Names and masks of <see cref="TcpState"/>.</summary>
public static class TcpStates
{
    /// <summary>Every state (bits 1..12), the mask <c>ss -a</c> uses.</summary>
    public const uint All = 0x1FFE;

    public static uint Bit(TcpState state) => 1u << (int)state;

    /// <summary>The <c>ss</c> spelling (ESTAB, SYN-RECV, LISTEN…), used in output.</summary>
    public static string Name(this TcpState state) => state switch
    {
        TcpState.Established => "ESTAB",
        TcpState.SynSent => "SYN-SENT",
        TcpState.SynRecv or TcpState.NewSynRecv => "SYN-RECV",
        TcpState.FinWait1 => "FIN-WAIT-1",
        TcpState.FinWait2 => "FIN-WAIT-2",
        TcpState.TimeWait => "TIME-WAIT",
        TcpState.Close => "UNCONN",
        TcpState.CloseWait => "CLOSE-WAIT",
        TcpState.LastAck => "LAST-ACK",
        TcpState.Listen => "LISTEN",
        TcpState.Closing => "CLOSING",
        _ => "UNKNOWN",
    };
}
