using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Uncloak.Firewall.Interop;
using Xunit;

namespace Uncloak.Core.Tests.Firewall.Interop;

/// <summary>
/// libnftables 1.0 aborts the process when its netlink socket is on a descriptor of 1024 or more (its select()). A
/// context is opened through <see cref="LowDescriptors"/>, which gives up a low descriptor it holds when every one below
/// 1024 is taken: a socket opened so while a thousand descriptors are held lands below 1024, and the reserve is taken
/// back afterwards. (A UDP socket stands in for the context's netlink socket: both take the lowest free descriptor.) Run
/// alone: while it holds every low descriptor, other tests' files would land above 1024, and one they close would let
/// the socket land low without the reserve.
/// </summary>
[Collection(nameof(LowDescriptorsTests))]
[CollectionDefinition(nameof(LowDescriptorsTests), DisableParallelization = true)]
public sealed class LowDescriptorsTests
{
    [Fact]
    public void A_socket_opened_while_every_low_descriptor_is_taken_lands_below_1024()
    {
        LowDescriptors.Refill();
        var held = new List<SafeFileHandle>();
        try
        {
            while (LowDescriptors.LowestFree() < LowDescriptors.SelectLimit)
            {
                held.Add(File.OpenHandle("/dev/null"));
            }
            using var socket = LowDescriptors.Open(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
            Assert.True((int)socket.SafeHandle.DangerousGetHandle() < LowDescriptors.SelectLimit, $"socket on descriptor {socket.SafeHandle.DangerousGetHandle()}");
        }
        finally
        {
            foreach (var handle in held)
            {
                handle.Dispose();
            }
            LowDescriptors.Refill();
        }
        Assert.True(LowDescriptors.LowestFree() < LowDescriptors.SelectLimit);
    }
}
