using System.Globalization;
using System.Text;
using Uncloak.Core.Sockets;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>
/// Each listener's queues at the moment of a capture: the accept queue (sock_diag's rqueue for a listener), its limit
/// (wqueue: the backlog) and the SYN queue (request sockets in SYN-RECV on its port). A full accept queue is the
/// application not accepting; a long SYN queue is a flood or a slow handshake.
/// </summary>
public static class ListenerQueues
{
    public static string Describe(IReadOnlyList<SocketRecord> sockets)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        var synQueue = new Dictionary<ushort, int>();
        foreach (var s in sockets)
        {
            if (s.State is TcpState.SynRecv or TcpState.NewSynRecv)
            {
                synQueue[s.Id.LocalPort] = synQueue.GetValueOrDefault(s.Id.LocalPort) + 1;
            }
        }
        var text = new StringBuilder("# listener accept-queue backlog syn-queue full\n");
        foreach (var s in sockets.Where(s => s.State == TcpState.Listen).OrderBy(s => s.Id.LocalPort).ThenBy(s => s.Id.Local.ToString(), StringComparer.Ordinal))
        {
            string local = (s.Id.Local.IsV6 ? "[" + s.Id.Local + "]" : s.Id.Local.ToString()) + ":" + s.Id.LocalPort.ToString(CultureInfo.InvariantCulture);
            bool full = s.WQueue > 0 && s.RQueue >= s.WQueue;
            text.Append(CultureInfo.InvariantCulture, $"{local} {s.RQueue} {s.WQueue} {synQueue.GetValueOrDefault(s.Id.LocalPort)} {(full ? "FULL" : "-")}\n");
        }
        return text.ToString();
    }
}
