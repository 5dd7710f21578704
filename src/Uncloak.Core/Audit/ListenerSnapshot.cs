using System.Net;

namespace Uncloak.Core.Audit;

/// <summary>
/// A TCP socket in LISTEN state. For listeners /proc/net/tcp prints sk_ack_backlog (connections completed and
/// waiting for accept()) where it prints rx_queue, and sk_max_ack_backlog (the effective backlog,
/// min(listen() argument, net.core.somaxconn)) where it prints tx_queue.
/// </summary>
public sealed record ListenerSnapshot(IPAddress Address, int Port, int Backlog, int AcceptQueue)
{
    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port}"
        : $"{Address}:{Port}";
}
