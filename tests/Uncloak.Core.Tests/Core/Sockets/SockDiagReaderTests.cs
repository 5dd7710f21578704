using System.Buffers.Binary;
using Uncloak.Core.Events;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Sockets;

/// <summary>The sock_diag decoder against datagrams captured from a 6.18 kernel (see fixtures/sockdiag/README.md).</summary>
public sealed class SockDiagReaderTests
{
    internal static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "sockdiag", name));

    private static List<SocketRecord> Decode(string name, out SockDiagStatus status, out SockDiagReader reader)
    {
        var list = new List<SocketRecord>();
        reader = new SockDiagReader();
        status = reader.Read(Fixture(name), list);
        return list;
    }

    [Fact]
    public void An_ipv4_dump_decodes_the_listener_and_both_ends_of_the_stalled_connection()
    {
        var sockets = Decode("ipv4-dump.bin", out var status, out var reader);
        Assert.Equal(SockDiagStatus.More, status);
        Assert.Equal(0, reader.Malformed);
        Assert.Equal(3, sockets.Count);

        var listener = sockets[0];
        Assert.Equal(TcpState.Listen, listener.State);
        Assert.Equal(NetAddress.Parse("198.18.0.1"), listener.Id.Local);
        Assert.Equal(8080, listener.Id.LocalPort);
        Assert.Equal(16u, listener.WQueue);
        Assert.Equal(16u, listener.Info.Sacked);

        var server = sockets[1];
        Assert.Equal(TcpState.Established, server.State);
        Assert.Equal(8080, server.Id.LocalPort);
        Assert.Equal(36772, server.Id.RemotePort);
        Assert.Equal(SocketTimer.Persist, server.Timer);
        Assert.Equal(2803712u, server.WQueue);
        Assert.Equal(280, server.Info.Length);
        Assert.True(server.Info.HasSndWnd);
        Assert.Equal(0u, server.Info.SndWnd);
        Assert.Equal(2803712u, server.Info.NotsentBytes);
        Assert.Equal(4, server.Info.Backoff);
        Assert.Equal(4096ul, server.Info.BytesAcked);

        var client = sockets[2];
        Assert.Equal(4096u, client.RQueue);
        Assert.Equal(0u, client.Info.RcvWnd);
        Assert.Equal(65536u, client.Info.SndWnd);
    }

    [Fact]
    public void An_ipv6_dump_decodes_addresses_and_the_listeners_accept_queue()
    {
        var sockets = Decode("ipv6-dump.bin", out _, out var reader);
        Assert.Equal(0, reader.Malformed);
        Assert.Equal(3, sockets.Count);
        var listener = sockets.Single(s => s.State == TcpState.Listen);
        Assert.Equal(SockDiag.AF_INET6, listener.Id.Family);
        Assert.Equal(NetAddress.Parse("2001:2::1"), listener.Id.Local);
        Assert.Equal(8443, listener.Id.LocalPort);
        Assert.Equal(1u, listener.RQueue);
        Assert.Equal(32u, listener.WQueue);
        Assert.Equal(1u, listener.Info.Unacked);
        Assert.All(sockets.Where(s => s.State == TcpState.Established), s => Assert.True(s.Id.Remote.IsV6));
    }

    [Theory]
    [InlineData("ipv4-done.bin")]
    [InlineData("ipv6-done.bin")]
    public void A_done_message_ends_the_dump(string name)
    {
        var sockets = Decode(name, out var status, out _);
        Assert.Equal(SockDiagStatus.Done, status);
        Assert.Empty(sockets);
    }

    [Fact]
    public void An_error_message_reports_its_errno()
    {
        var datagram = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(datagram, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(4), SockDiag.NLMSG_ERROR);
        BinaryPrimitives.WriteInt32LittleEndian(datagram.AsSpan(16), -2); // -ENOENT
        var reader = new SockDiagReader();
        Assert.Equal(SockDiagStatus.Error, reader.Read(datagram, []));
        Assert.Equal(2, reader.Errno);
    }

    [Fact]
    public void A_truncated_datagram_is_counted_as_malformed_not_thrown()
    {
        var bytes = Fixture("ipv4-dump.bin");
        for (int cut = 0; cut < bytes.Length; cut += 7)
        {
            var reader = new SockDiagReader();
            var list = new List<SocketRecord>();
            reader.Read(bytes.AsSpan(0, cut), list);
            Assert.True(list.Count <= 3);
        }
        var broken = new SockDiagReader();
        broken.Read(bytes.AsSpan(0, 200), []);
        Assert.Equal(1, broken.Malformed);
    }

    [Fact]
    public void A_socket_id_written_back_reproduces_the_kernels_bytes()
    {
        var bytes = Fixture("ipv4-dump.bin");
        var idBytes = bytes.AsSpan(16 + 4, SocketId.Size);
        var id = SocketId.Read(SockDiag.AF_INET, idBytes);
        var written = new byte[SocketId.Size];
        id.Write(written);
        Assert.Equal(idBytes.ToArray(), written);

        var v6 = Fixture("ipv6-dump.bin").AsSpan(16 + 4, SocketId.Size);
        var written6 = new byte[SocketId.Size];
        SocketId.Read(SockDiag.AF_INET6, v6).Write(written6);
        Assert.Equal(v6.ToArray(), written6);
    }

    [Fact]
    public void Messages_answering_another_request_are_skipped_as_stale()
    {
        // The fixture answered request 1 (nlmsg_seq 1).
        var reader = new SockDiagReader();
        var list = new List<SocketRecord>();
        Assert.Equal(SockDiagStatus.More, reader.Read(Fixture("ipv4-dump.bin"), list, sequence: 2));
        Assert.Empty(list);
        Assert.Equal(3, reader.Stale);
        Assert.Equal(SockDiagStatus.More, reader.Read(Fixture("ipv4-done.bin"), list, sequence: 2));
        Assert.Equal(SockDiagStatus.Done, new SockDiagReader().Read(Fixture("ipv4-done.bin"), list, sequence: 1));
        new SockDiagReader().Read(Fixture("ipv4-dump.bin"), list, sequence: 1);
        Assert.Equal(3, list.Count);
    }
}
