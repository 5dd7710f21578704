using System.Buffers.Binary;
using Uncloak.Core.Events;

using System.Runtime.InteropServices;

namespace Uncloak.Core.Sockets;

/// <summary>
/// A socket's identity as inet_diag reports it (<c>struct inet_diag_sockid</c>, 48 bytes): ports, addresses,
/// bound interface and the kernel's cookie. Written back unchanged, it names exactly one socket to <c>SOCK_DESTROY</c>.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly record struct SocketId
{
    /// <summary>Size of <c>struct inet_diag_sockid</c>.</summary>
    public const int Size = 48;

    /// <summary><c>INET_DIAG_NOCOOKIE</c>: match any cookie.</summary>
    public const ulong NoCookie = ulong.MaxValue;

    /// <summary>AF_INET (2) or AF_INET6 (10): which dump the socket came from.</summary>
    public byte Family { get; init; }

    public NetAddress Local { get; init; }

    public ushort LocalPort { get; init; }

    public NetAddress Remote { get; init; }

    public ushort RemotePort { get; init; }

    /// <summary><c>idiag_if</c>: the interface the socket is bound to, 0 when none.</summary>
    public uint Interface { get; init; }

    /// <summary>The kernel's socket cookie (two host-order u32, low word first).</summary>
    public ulong Cookie { get; init; }

    /// <summary>Reads the 48-byte struct. Ports and addresses are big-endian; interface and cookie host order.</summary>
    public static SocketId Read(byte family, ReadOnlySpan<byte> id)
    {
        return new SocketId
        {
            Family = family,
            LocalPort = BinaryPrimitives.ReadUInt16BigEndian(id),
            RemotePort = BinaryPrimitives.ReadUInt16BigEndian(id[2..]),
            Local = ReadAddress(family, id.Slice(4, 16)),
            Remote = ReadAddress(family, id.Slice(20, 16)),
            Interface = BinaryPrimitives.ReadUInt32LittleEndian(id[36..]),
            Cookie = BinaryPrimitives.ReadUInt32LittleEndian(id[40..]) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(id[44..]) << 32),
        };
    }

    /// <summary>Writes the struct back in the kernel's layout (the inverse of <see cref="Read"/>).</summary>
    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(destination, LocalPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], RemotePort);
        WriteAddress(Family, Local, destination.Slice(4, 16));
        WriteAddress(Family, Remote, destination.Slice(20, 16));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[36..], Interface);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], (uint)Cookie);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[44..], (uint)(Cookie >> 32));
    }

    private static NetAddress ReadAddress(byte family, ReadOnlySpan<byte> sixteen)
        => family == SockDiag.AF_INET ? NetAddress.FromBytes(sixteen[..4]) : NetAddress.FromBytes(sixteen);

    private static void WriteAddress(byte family, NetAddress address, Span<byte> sixteen)
    {
        if (family == SockDiag.AF_INET)
        {
            BinaryPrimitives.WriteUInt32BigEndian(sixteen, address.V4);
            return;
        }
        // An IPv4 peer on a dual-stack socket is reported as ::ffff:a.b.c.d in the AF_INET6 dump; NetAddress keeps
        // it in that mapped form, so writing its 128-bit value reproduces the kernel's bytes.
        address.WriteBytes(sixteen);
    }
}
