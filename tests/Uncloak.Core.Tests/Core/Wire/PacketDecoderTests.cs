using System.Buffers.Binary;
using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

public sealed class PacketDecoderTests
{
    [Fact]
    public void A_linux_syn_gives_every_option()
    {
        var frame = Frames.Ethernet(Frames.Tcp("198.18.0.2", 40000, "198.18.0.1", 8080, TcpFlags.Syn, seq: 77, options: Frames.SynOptions(7, 1400, 99)));
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.Ethernet, frame, out var p));
        Assert.Equal((7, (ushort)1400, true, true, 99u), (p.WindowScale, p.Mss, p.SackPermitted, p.HasTimestamp, p.TsValue));
        Assert.Equal((NetAddress.Parse("198.18.0.2"), (ushort)40000, (ushort)8080, 77u), (p.Source, p.SourcePort, p.DestinationPort, p.Sequence));
        Assert.Equal(0, p.PayloadLength);
    }

    [Theory]
    [InlineData("198.18.0.2", "198.18.0.1", 8, 1)]
    [InlineData("2001:2::2", "2001:2::1", 128, 58)]
    public void An_icmp_message_gives_its_addresses_and_type(string source, string destination, byte type, byte protocol)
    {
        var frame = Frames.Ethernet(Frames.Icmp(source, destination, type, ttl: 51));
        Assert.Equal(DecodeResult.Icmp, PacketDecoder.Decode(LinkType.Ethernet, frame, out var p));
        Assert.Equal((NetAddress.Parse(source), NetAddress.Parse(destination), type, protocol, (byte)51, 64),
            (p.Source, p.Destination, p.IcmpType, p.Protocol, p.Ttl, p.PayloadLength));
    }

    [Fact]
    public void An_icmp_message_cut_before_its_type_and_checksum_is_malformed()
    {
        var frame = Frames.Icmp("198.18.0.2", "198.18.0.1", 8, payload: 0)[..22];
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.Decode(LinkType.Ipv4, frame, out _));
    }

    [Fact]
    public void A_window_scale_above_14_is_used_as_14()
    {
        var frame = Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Syn, options: [3, 3, 20, 0]);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.Raw, frame, out var p));
        Assert.Equal(14, p.WindowScale);
    }

    [Fact]
    public void Sack_blocks_are_counted()
    {
        byte[] sack = [1, 1, 5, 18, .. new byte[16]];
        var frame = Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Ack, options: sack);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.Ipv4, frame, out var p));
        Assert.Equal(2, p.SackBlocks);
        Assert.Equal(-1, p.WindowScale);
    }

    [Theory]
    [InlineData(new ushort[] { 0x8100 })]
    [InlineData(new ushort[] { 0x88A8, 0x8100 })]
    [InlineData(new ushort[] { 0x9100, 0x8100 })]
    public void Vlan_tags_are_walked(ushort[] tags)
    {
        var frame = Frames.Ethernet(Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Ack, payload: 5), tags);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.Ethernet, frame, out var p));
        Assert.Equal(5, p.PayloadLength);
    }

    [Fact]
    public void Ipv6_extension_headers_are_walked_to_tcp()
    {
        var plain = Frames.Tcp("2001:2::2", 40000, "2001:2::1", 443, TcpFlags.Ack, window: 0, payload: 3, ttl: 50);
        // Insert hop-by-hop (8 bytes) and destination options (16 bytes) between the IPv6 header and TCP.
        var tcp = plain[40..];
        var ip = new byte[40 + 8 + 16 + tcp.Length];
        plain.AsSpan(0, 40).CopyTo(ip);
        ip[6] = 0; // next: hop-by-hop
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)(8 + 16 + tcp.Length));
        ip[40] = 60; // next: destination options
        ip[41] = 0;  // 8 bytes
        ip[48] = 6;  // next: TCP
        ip[49] = 1;  // 16 bytes
        tcp.CopyTo(ip, 64);

        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.Raw, ip, out var p));
        Assert.Equal(NetAddress.Parse("2001:2::2"), p.Source);
        Assert.Equal((3, (ushort)0, (byte)50), (p.PayloadLength, p.Window, p.Ttl));
    }

    [Fact]
    public void A_non_first_fragment_has_no_tcp_header()
    {
        var ip = Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Ack, payload: 8);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), 185); // offset 1480 bytes
        Assert.Equal(DecodeResult.Fragment, PacketDecoder.Decode(LinkType.Raw, ip, out _));
    }

    [Fact]
    public void Linux_cooked_headers_are_read()
    {
        var ip = Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Ack);
        var sll = new byte[16 + ip.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sll.AsSpan(14), 0x0800);
        ip.CopyTo(sll, 16);
        var sll2 = new byte[20 + ip.Length];
        BinaryPrimitives.WriteUInt16BigEndian(sll2, 0x0800);
        ip.CopyTo(sll2, 20);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.LinuxSll, sll, out _));
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(LinkType.LinuxSll2, sll2, out _));
    }

    [Theory]
    [InlineData((ushort)0x0806, DecodeResult.Other)]      // ARP
    [InlineData((ushort)0x88CC, DecodeResult.Other)]      // LLDP
    [InlineData((ushort)0x0026, DecodeResult.Other)]      // 802.3 length: LLC
    [InlineData((ushort)0x1234, DecodeResult.UnknownEthertype)]
    [InlineData((ushort)0x8100, DecodeResult.Malformed)]  // a VLAN tag with nothing after it
    public void Non_ip_frames_are_classified(ushort type, DecodeResult expected)
    {
        Assert.Equal(expected, PacketDecoder.Decode(LinkType.Ethernet, Frames.EtherType(type, payload: type == 0x8100 ? 2 : 46), out _));
    }

    [Fact]
    public void Headers_that_contradict_themselves_are_malformed()
    {
        var ip = Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Ack);
        var badOffset = (byte[])ip.Clone();
        badOffset[20 + 12] = 0xF0; // TCP data offset 60 > segment
        var badIhl = (byte[])ip.Clone();
        badIhl[0] = 0x44;
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.Decode(LinkType.Raw, badOffset, out _));
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.Decode(LinkType.Raw, badIhl, out _));
        Assert.Equal(DecodeResult.Malformed, PacketDecoder.Decode(LinkType.Raw, ip[..30], out _));
        Assert.Equal(DecodeResult.UnknownLinkType, PacketDecoder.Decode((LinkType)147, ip, out _));
    }
}
