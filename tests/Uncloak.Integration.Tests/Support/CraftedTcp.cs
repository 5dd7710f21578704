using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Uncloak.Integration.Tests.Support;

/// <summary>Hand-made TCP segments sent from a raw socket (the kernel adds the IP header), for flag combinations no stack sends.</summary>
public static class CraftedTcp
{
    public const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10, Urg = 0x20;

    /// <summary>Sends <paramref name="count"/> segments with <paramref name="flags"/> from the calling thread's namespace.</summary>
    public static void Send(IPAddress source, IPAddress destination, int port, byte flags, int count)
    {
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Tcp);
        for (int i = 0; i < count; i++)
        {
            raw.SendTo(Segment(source, destination, (ushort)(40000 + i), (ushort)port, flags), new IPEndPoint(destination, 0));
        }
    }

    public static byte[] Segment(IPAddress source, IPAddress destination, ushort sourcePort, ushort destinationPort, byte flags)
    {
        var tcp = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), 0x1000_0000u + sourcePort);
        tcp[12] = 5 << 4; // data offset: 5 words, no options
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 64240);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(16), Checksum(source, destination, tcp));
        return tcp;
    }

    /// <summary>RFC 793 checksum over the IPv4 pseudo-header and the segment.</summary>
    private static ushort Checksum(IPAddress source, IPAddress destination, byte[] tcp)
    {
        uint sum = 0;
        void Add(ReadOnlySpan<byte> b)
        {
            for (int i = 0; i + 1 < b.Length; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(b[i..]);
            }
            if (b.Length % 2 == 1)
            {
                sum += (uint)b[^1] << 8;
            }
        }
        Add(source.GetAddressBytes());
        Add(destination.GetAddressBytes());
        Add([0, (byte)ProtocolType.Tcp, 0, (byte)tcp.Length]);
        Add(tcp);
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
