using System.Buffers.Binary;
using Uncloak.Core.Events;
using Uncloak.Core.Sockets;

namespace Uncloak.Core.Routing;

/// <summary>
/// Decodes rtnetlink dump replies (<c>RTM_NEWROUTE</c>, <c>RTM_NEWNEIGH</c>): walks the <c>nlmsghdr</c>s of a datagram
/// and the <c>rtattr</c>s of each message. Malformed messages are counted in <see cref="Malformed"/> and skipped, never thrown.
/// </summary>
public sealed partial class RtnetlinkReader
{
    private const int NlmsghdrSize = SockDiag.NlmsghdrSize;

    /// <summary>Messages that were too short or whose lengths did not add up.</summary>
    public int Malformed { get; private set; }

    /// <summary>The errno of the last NLMSG_ERROR or failed NLMSG_DONE (positive), 0 otherwise.</summary>
    public int Errno { get; private set; }

    /// <summary>Decodes one datagram of a route dump into <paramref name="routes"/>; messages of another sequence are skipped.</summary>
    public SockDiagStatus ReadRoutes(ReadOnlySpan<byte> datagram, List<RouteEntry> routes, uint sequence)
        => Walk(datagram, sequence, Rtnetlink.RTM_NEWROUTE, m => TryReadRoute(m, routes));

    /// <summary>Decodes one datagram of a neighbour dump into <paramref name="neighbours"/>; messages of another sequence are skipped.</summary>
    public SockDiagStatus ReadNeighbours(ReadOnlySpan<byte> datagram, List<NeighbourRecord> neighbours, uint sequence)
        => Walk(datagram, sequence, Rtnetlink.RTM_NEWNEIGH, m => TryReadNeighbour(m, neighbours));

    /// <summary>Reads one message's payload; false when it is malformed.</summary>
    private delegate bool MessageReader(ReadOnlySpan<byte> message);

    private SockDiagStatus Walk(ReadOnlySpan<byte> datagram, uint sequence, ushort wanted, MessageReader read)
    {
        while (datagram.Length >= NlmsghdrSize)
        {
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            if (len < NlmsghdrSize || len > datagram.Length)
            {
                Malformed++;
                return SockDiagStatus.More;
            }
            var payload = datagram[NlmsghdrSize..(int)len];
            // Left over from an earlier, interrupted request: not ours.
            bool ours = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]) == sequence;
            if (ours && type == SockDiag.NLMSG_DONE)
            {
                int error = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                Errno = error < 0 ? -error : 0;
                return error < 0 ? SockDiagStatus.Error : SockDiagStatus.Done;
            }
            if (ours && type == SockDiag.NLMSG_ERROR)
            {
                Errno = payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                return SockDiagStatus.Error;
            }
            if (ours && type == wanted)
            {
                if (!read(payload))
                {
                    Malformed++;
                }
            }
            int aligned = Align(len);
            if (aligned >= datagram.Length)
            {
                break;
            }
            datagram = datagram[aligned..];
        }
        return SockDiagStatus.More;
    }

    /// <summary><c>struct rtmsg</c>: family, dst_len, src_len, tos, table, protocol, scope, type, flags; then attributes.</summary>
    private static bool TryReadRoute(ReadOnlySpan<byte> message, List<RouteEntry> routes)
    {
        if (message.Length < Rtnetlink.FamilyHeaderSize)
        {
            return false;
        }
        byte family = message[0];
        byte prefix = message[1];
        uint table = message[4];
        byte type = message[7];
        NetAddress destination = default, gateway = default;
        int oif = 0;
        uint priority = 0;
        var attributes = message[Rtnetlink.FamilyHeaderSize..];
        while (TryNextAttribute(ref attributes, out ushort kind, out var value, out bool bad))
        {
            switch (kind)
            {
                case Rtnetlink.RTA_DST:
                    destination = Address(family, value);
                    break;
                case Rtnetlink.RTA_GATEWAY:
                    gateway = Address(family, value);
                    break;
                case Rtnetlink.RTA_OIF when value.Length >= 4:
                    oif = BinaryPrimitives.ReadInt32LittleEndian(value);
                    break;
                case Rtnetlink.RTA_PRIORITY when value.Length >= 4:
                    priority = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
                case Rtnetlink.RTA_TABLE when value.Length >= 4:
                    // rtm_table holds only 8 bits; tables above 255 are named here alone.
                    table = BinaryPrimitives.ReadUInt32LittleEndian(value);
                    break;
            }
            if (bad)
            {
                return false;
            }
        }
        if (family is not (SockDiag.AF_INET or SockDiag.AF_INET6))
        {
            return true; // a multicast or MPLS route: not an error, just not ours
        }
        routes.Add(new RouteEntry(destination, prefix, gateway, oif, table, type, priority));
        return true;
    }

    /// <summary><c>struct ndmsg</c>: family, 3 pad bytes, ifindex, state, flags, type; then attributes.</summary>
    private static bool TryReadNeighbour(ReadOnlySpan<byte> message, List<NeighbourRecord> neighbours)
    {
        if (message.Length < Rtnetlink.FamilyHeaderSize)
        {
            return false;
        }
        byte family = message[0];
        int ifindex = BinaryPrimitives.ReadInt32LittleEndian(message[4..]);
        ushort state = BinaryPrimitives.ReadUInt16LittleEndian(message[8..]);
        NetAddress address = default;
        var attributes = message[Rtnetlink.FamilyHeaderSize..];
        while (TryNextAttribute(ref attributes, out ushort kind, out var value, out bool bad))
        {
            if (bad)
            {
                return false;
            }
            if (kind == Rtnetlink.NDA_DST)
            {
                address = Address(family, value);
            }
        }
        if (address.IsNone)
        {
            // A bridge FDB entry or proxy without an IP destination: nothing a probe can look up.
            return family is not (SockDiag.AF_INET or SockDiag.AF_INET6);
        }
        neighbours.Add(new NeighbourRecord(address, ifindex, state));
        return true;
    }

    /// <summary>The next <c>rtattr</c>; <paramref name="bad"/> when its length does not fit (the message is then malformed).</summary>
    private static bool TryNextAttribute(scoped ref ReadOnlySpan<byte> attributes, out ushort kind, out ReadOnlySpan<byte> value, out bool bad)
    {
        kind = 0;
        value = default;
        bad = false;
        if (attributes.Length < 4)
        {
            return false;
        }
        ushort len = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
        if (len < 4 || len > attributes.Length)
        {
            bad = true;
            return true;
        }
        // NLA_F_NESTED and NLA_F_NET_BYTEORDER ride in the top bits of the type.
        kind = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & 0x3FFF);
        value = attributes[4..len];
        int aligned = Align(len);
        attributes = aligned >= attributes.Length ? default : attributes[aligned..];
        return true;
    }

    private static NetAddress Address(byte family, ReadOnlySpan<byte> value) => (family, value.Length) switch
    {
        (SockDiag.AF_INET, 4) or (SockDiag.AF_INET6, 16) => NetAddress.FromBytes(value),
        _ => default,
    };

    private static int Align(uint len) => (int)((len + 3) & ~3u);
}
