using System.Net.NetworkInformation;
using Uncloak.Core.Events;

namespace Uncloak.Linux.Sockets;

/// <summary>The addresses configured on this machine's interfaces (in the namespace of the calling thread).</summary>
public static class HostAddresses
{
    public static IReadOnlyList<NetAddress> Read()
    {
        var list = new List<NetAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var u in nic.GetIPProperties().UnicastAddresses)
            {
                list.Add(NetAddress.FromIPAddress(u.Address));
            }
        }
        return list;
    }
}
