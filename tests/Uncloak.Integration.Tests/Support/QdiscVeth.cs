using System.Net;
using System.Net.Sockets;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A veth pair inside a test's own namespace for qdisc tests: <c>{prefix}0</c> holds <c>{net}.1/24</c>, both ends up,
/// and a permanent neighbour <c>{net}.9</c> so datagrams reach the qdisc instead of waiting for ARP.
/// </summary>
internal sealed class QdiscVeth
{
    private readonly NetworkNamespace _ns;
    private readonly IPAddress _neighbour;

    private QdiscVeth(NetworkNamespace ns, string device, IPAddress neighbour)
    {
        _ns = ns;
        Device = device;
        _neighbour = neighbour;
    }

    /// <summary>The end that carries the address and sends: <c>{prefix}0</c>.</summary>
    public string Device { get; }

    /// <summary>The other end: <c>{prefix}1</c>.</summary>
    public string Peer => Device[..^1] + "1";

    /// <param name="ns">The test's own namespace.</param>
    /// <param name="prefix">Interface name prefix (<c>uc-tbf</c>: <c>uc-tbf0</c> and <c>uc-tbf1</c>).</param>
    /// <param name="net">The first three octets, inside 198.18.0.0/15 (<c>198.18.43</c>).</param>
    /// <param name="lladdr">The neighbour's made-up MAC address.</param>
    public static QdiscVeth Create(NetworkNamespace ns, string prefix, string net, string lladdr)
    {
        string device = prefix + "0", peer = prefix + "1";
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "lo", "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "add", device, "type", "veth", "peer", "name", peer);
        NetworkNamespace.Run("ip", "-n", ns.Name, "addr", "add", net + ".1/24", "dev", device);
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", device, "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", peer, "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "neigh", "add", net + ".9", "lladdr", lladdr, "dev", device, "nud", "permanent");
        return new QdiscVeth(ns, device, IPAddress.Parse(net + ".9"));
    }

    /// <summary>Sends <paramref name="count"/> UDP datagrams of <paramref name="size"/> bytes to the neighbour (port 9).</summary>
    public void Send(int count, int size)
        => _ns.OnThreadInside(() =>
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var payload = new byte[size];
            for (int i = 0; i < count; i++)
            {
                udp.SendTo(payload, new IPEndPoint(_neighbour, 9));
            }
            return 0;
        });
}
