using Uncloak.Core.Probes;
using Xunit;

namespace Uncloak.Core.Tests.Probes;

/// <summary>ICMP echo requests and what comes back, against packets a 6.18 kernel sent (see fixtures/rtnetlink/README.md).</summary>
public sealed class IcmpEchoTests
{
    private static readonly Dictionary<string, byte[]> Packets = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "rtnetlink", "icmp.hex"))
        .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => Convert.FromHexString(p[2]));

    [Fact]
    public void A_request_carries_a_checksum_the_kernel_accepts()
    {
        var buf = new byte[64];
        int n = IcmpEcho.WriteRequest(buf, v6: false, 0x1234, 7, "uncloak vantage!"u8);
        Assert.Equal(24, n);
        // Summing a packet including its checksum gives zero (RFC 1071): what the kernel checks before it answers.
        Assert.Equal(0, IcmpEcho.Checksum(buf.AsSpan(0, n)));
        Assert.Equal(8, buf[0]);
        // The gateway answered exactly these bytes (the fixture): its reply echoes identifier, sequence and payload.
        var reply = Packets["198.18.200.1"].AsSpan(20);
        Assert.Equal(0, IcmpEcho.Checksum(reply));
        Assert.Equal(buf.AsSpan(4, n - 4).ToArray(), reply[4..].ToArray());
    }

    [Fact]
    public void An_ipv6_request_leaves_the_checksum_to_the_kernel()
    {
        var buf = new byte[64];
        int n = IcmpEcho.WriteRequest(buf, v6: true, 1, 2, "x"u8);
        Assert.Equal(9, n);
        Assert.Equal(128, buf[0]);
        Assert.Equal(0, buf[2] | buf[3]);
    }

    [Fact]
    public void The_gateways_echo_reply_is_ours_by_identifier_and_sequence()
    {
        var packet = Packets["198.18.200.1"];
        Assert.Equal(IcmpReply.EchoReply, IcmpEcho.Read(packet, v6: false, withIpHeader: true, 0x1234, 7));
        Assert.Equal(IcmpReply.Other, IcmpEcho.Read(packet, v6: false, withIpHeader: true, 0x1234, 8)); // an older round's
        Assert.Equal(IcmpReply.Other, IcmpEcho.Read(packet, v6: false, withIpHeader: true, 0x4321, 7)); // another process's ping
        // A ping socket hands over the ICMP part only and the kernel chose the identifier: the sequence decides.
        Assert.Equal(IcmpReply.EchoReply, IcmpEcho.Read(packet.AsSpan(20), v6: false, withIpHeader: false, null, 7));
    }

    [Fact]
    public void A_failed_arp_comes_back_as_host_unreachable_quoting_our_request()
        => Assert.Equal(IcmpReply.Unreachable, IcmpEcho.Read(Packets["198.18.200.9"], v6: false, withIpHeader: true, 0x1234, 9));

    [Fact]
    public void A_router_without_a_route_answers_net_unreachable()
    {
        var packet = Packets["198.18.99.1"];
        Assert.Equal(IcmpReply.Unreachable, IcmpEcho.Read(packet, v6: false, withIpHeader: true, 0x1234, 10));
        // The same error about somebody else's request is not ours.
        Assert.Equal(IcmpReply.Other, IcmpEcho.Read(packet, v6: false, withIpHeader: true, 0x1234, 11));
    }

    [Fact]
    public void Icmpv6_that_is_not_about_our_request_is_ignored()
        => Assert.Equal(IcmpReply.Other, IcmpEcho.Read(Packets["2001:2:0:c8::1"], v6: true, withIpHeader: true, 0x1234, 8));

    [Fact]
    public void Truncated_packets_are_other_not_errors()
    {
        var packet = Packets["198.18.99.1"];
        // Shorter than outer IP header + ICMP header + quoted IP header + the quoted echo header: never "ours".
        for (int len = 0; len < 20 + 8 + 20 + 8; len += 5)
        {
            var reply = IcmpEcho.Read(packet.AsSpan(0, len), v6: false, withIpHeader: true, 0x1234, 10);
            Assert.Equal(IcmpReply.Other, reply);
        }
    }
}
