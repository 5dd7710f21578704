using System.Net;
using System.Net.Sockets;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Faults;

/// <summary>
/// The application stops accepting. The victims cannot be frozen from outside (Kestrel runs in this process), so the
/// fault stands in for a hung one: a listener in the server namespace that never calls accept() on
/// <see cref="HungPort"/>, with a small backlog, and new connections to the service port redirected to it (nft, in the
/// server's namespace only; connections already served by the victim are left alone). Its accept queue fills within a
/// second of probing, then the kernel drops new handshakes (ListenOverflows, ListenDrops): the listener's Recv-Q at its
/// backlog is what <c>ss -ltn</c> shows of a hung application. Undo removes the redirect and closes the listener.
/// </summary>
public sealed class AcceptQueueFull : IFault
{
    /// <summary>Where the hung listener sits; new connections to the service port are sent here while the fault lasts.</summary>
    public const int HungPort = LabNames.HttpPort + 1;

    /// <summary>The hung listener's backlog: a few connections fill it.</summary>
    public const int Backlog = 4;

    private const string Table = "uncloak_fault_accept";

    private readonly Lock _lock = new();
    private Socket? _v4, _v6;

    public FaultKind Kind => FaultKind.AcceptQueueFull;

    public void Apply(LabNames names, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_lock)
        {
            (_v4, _v6) = NetNamespace.Run(names.Server, () => (Listen(LabNames.ServerAddress), Listen(LabNames.ServerAddress6)));
            // prerouting for the clients, output for the host's own connections (its probe of itself). dnat, not
            // redirect: redirect would send the host's own connections to 127.0.0.1.
            string v4 = LabNames.ServerAddress.ToString(), v6 = LabNames.ServerAddress6.ToString();
            string rules = $$"""
                    ip daddr {{v4}} tcp dport {{LabNames.HttpPort}} dnat ip to {{v4}}:{{HungPort}}
                    ip6 daddr {{v6}} tcp dport {{LabNames.HttpPort}} dnat ip6 to [{{v6}}]:{{HungPort}}
                """;
            ExternalCommand.Nft(names.Server,
                $$"""
                table inet {{Table}} {
                  chain pre {
                    type nat hook prerouting priority -110; policy accept;
                {{rules}}
                  }
                  chain out {
                    type nat hook output priority -110; policy accept;
                {{rules}}
                  }
                }

                """);
        }
    }

    private static Socket Listen(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, HungPort));
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Undo(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_lock)
        {
            // Absent after a failed Apply: the exit code does not matter.
            ExternalCommand.InNamespace(names.Server, "nft", ["delete", "table", "inet", Table], check: false);
            _v4?.Dispose();
            _v6?.Dispose();
            _v4 = _v6 = null;
        }
    }
}
