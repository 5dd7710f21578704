using System.Runtime.InteropServices;

namespace Uncloak.Core.Sockets;

/// <summary>One TCP socket from a sock_diag dump: <c>struct inet_diag_msg</c> plus its <c>tcp_info</c> when the kernel sent one.</summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct SocketRecord
{
    public SocketId Id { get; init; }

    public TcpState State { get; init; }

    public SocketTimer Timer { get; init; }

    /// <summary><c>idiag_retrans</c>: retransmits for the retransmit timer, probes out for keepalive/persist.</summary>
    public byte TimerRetries { get; init; }

    /// <summary>Milliseconds until the pending timer fires.</summary>
    public uint ExpiresMillis { get; init; }

    /// <summary>Receive queue bytes. For a listener: the current accept-queue length.</summary>
    public uint RQueue { get; init; }

    /// <summary>Send queue bytes (write_seq − snd_una: unacked plus unsent). For a listener: the backlog.</summary>
    public uint WQueue { get; init; }

    public uint Uid { get; init; }

    public uint Inode { get; init; }

    /// <summary>The socket's tcp_info (its <see cref="TcpInfo.Length"/> is 0 when absent, e.g. request sockets).</summary>
    public TcpInfo Info { get; init; }

    public bool HasInfo => Info.Length > 0;
}
