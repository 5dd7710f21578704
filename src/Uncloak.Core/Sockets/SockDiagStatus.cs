namespace Uncloak.Core.Sockets;

/// <summary>What one netlink datagram (one <c>recv</c>) of a sock_diag reply contained.</summary>
public enum SockDiagStatus : byte
{
    /// <summary>The datagram held sockets and the dump goes on: receive again.</summary>
    More = 0,

    /// <summary>NLMSG_DONE arrived: the dump is complete.</summary>
    Done = 1,

    /// <summary>NLMSG_ERROR arrived; <see cref="SockDiagReader.Errno"/> holds the (positive) errno, 0 for a plain ACK.</summary>
    Error = 2,
}
