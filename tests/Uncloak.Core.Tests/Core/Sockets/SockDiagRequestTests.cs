using Uncloak.Core.Events;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Sockets;

public sealed class SockDiagRequestTests
{
    [Fact]
    public void A_dump_request_is_the_72_bytes_the_kernel_expects()
    {
        var buf = new byte[SockDiag.RequestMessageSize];
        Assert.Equal(72, SockDiag.WriteDumpRequest(buf, SockDiag.AF_INET6, TcpStates.All, sequence: 7));
        byte[] expected =
        [
            72, 0, 0, 0, 20, 0, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0, // nlmsghdr: len, SOCK_DIAG_BY_FAMILY, REQUEST|DUMP, seq, pid
            10, 6, 2, 0, 0xFE, 0x1F, 0, 0,                           // AF_INET6, IPPROTO_TCP, 1<<(INET_DIAG_INFO-1), pad, states
            .. new byte[40],                                        // ports, addresses, interface: zero
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,         // INET_DIAG_NOCOOKIE
        ];
        Assert.Equal(expected, buf);
    }

    [Fact]
    public void A_destroy_request_carries_the_exact_socket_id_and_asks_for_an_ack()
    {
        var dump = SockDiagReaderTests.Fixture("ipv4-dump.bin");
        var list = new List<SocketRecord>();
        new SockDiagReader().Read(dump, list);
        var server = list[1];
        var buf = new byte[SockDiag.RequestMessageSize];
        SockDiag.WriteDestroyRequest(buf, server.Id, server.State, sequence: 9);
        Assert.Equal(SockDiag.SOCK_DESTROY, BitConverter.ToUInt16(buf, 4));
        Assert.Equal(SockDiag.NLM_F_REQUEST | SockDiag.NLM_F_ACK, BitConverter.ToUInt16(buf, 6));
        Assert.Equal(SockDiag.AF_INET, buf[16]);
        Assert.Equal(1u << (int)TcpState.Established, BitConverter.ToUInt32(buf, 20));
        // The id is the one the kernel dumped, byte for byte (the message's id starts 4 bytes into its payload).
        int second = SockDiag.Align(BitConverter.ToInt32(dump, 0));
        Assert.Equal(dump.AsSpan(second + 16 + 4, SocketId.Size).ToArray(), buf.AsSpan(24, SocketId.Size).ToArray());
        Assert.Equal(NetAddress.Parse("198.18.0.1"), server.Id.Remote);
    }

    [Fact]
    public void A_tcp_info_from_an_older_kernel_leaves_newer_fields_unknown()
    {
        var dump = SockDiagReaderTests.Fixture("ipv4-dump.bin");
        var list = new List<SocketRecord>();
        new SockDiagReader().Read(dump, list);
        Assert.True(list[2].Info.SndWnd > 0);

        var full = new byte[TcpInfo.KnownSize];
        full[TcpInfo.OffsetSndWnd] = 0x34;
        full[TcpInfo.OffsetBackoff] = 3;
        var old = TcpInfo.Parse(full.AsSpan(0, 104)); // a 2.6-era struct
        Assert.Equal(104, old.Length);
        Assert.Equal(3, old.Backoff);
        Assert.False(old.HasSndWnd);
        Assert.False(old.HasNotsentBytes);
        Assert.Equal(0u, old.SndWnd);
        Assert.Equal(0x34u, TcpInfo.Parse(full).SndWnd);
        Assert.Equal(0u, TcpInfo.Parse([]).Rto);
    }
}
