using System.Buffers.Binary;

namespace Uncloak.Core.Sockets;

/// <summary>
/// Decodes sock_diag replies: walks the <c>nlmsghdr</c>s of a datagram, decodes each <c>inet_diag_msg</c> and its
/// attributes. Malformed messages are counted in <see cref="Malformed"/> and skipped, never thrown.
/// </summary>
public sealed class SockDiagReader
{
    /// <summary>Messages that were too short or whose lengths did not add up.</summary>
    public int Malformed { get; private set; }

    /// <summary>The errno of the last NLMSG_ERROR (positive, e.g. 2 ENOENT), 0 for an acknowledgement.</summary>
    public int Errno { get; private set; }

    /// <summary>Messages skipped because they answered another request (a sequence number other than the expected one).</summary>
    public int Stale { get; private set; }

    /// <summary>
    /// Decodes one datagram, adding every socket to <paramref name="sockets"/>. With <paramref name="sequence"/>, messages
    /// answering any other request (left over from an earlier, interrupted one) are skipped and counted in <see cref="Stale"/>.
    /// </summary>
    public SockDiagStatus Read(ReadOnlySpan<byte> datagram, List<SocketRecord> sockets, uint? sequence = null)
    {
        while (datagram.Length >= SockDiag.NlmsghdrSize)
        {
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            if (len < SockDiag.NlmsghdrSize || len > datagram.Length)
            {
                Malformed++;
                return SockDiagStatus.More;
            }
            var payload = datagram[SockDiag.NlmsghdrSize..(int)len];
            if (sequence is { } expected && BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]) != expected)
            {
                Stale++;
                type = SockDiag.NLMSG_NOOP;
            }
            switch (type)
            {
                case SockDiag.NLMSG_DONE:
                    // A dump that failed part-way ends with DONE carrying a negative errno.
                    int doneError = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                    if (doneError < 0)
                    {
                        Errno = -doneError;
                        return SockDiagStatus.Error;
                    }
                    return SockDiagStatus.Done;
                case SockDiag.NLMSG_ERROR:
                    Errno = payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                    return SockDiagStatus.Error;
                case SockDiag.SOCK_DIAG_BY_FAMILY:
                    if (TryReadMessage(payload, out var record))
                    {
                        sockets.Add(record);
                    }
                    else
                    {
                        Malformed++;
                    }
                    break;
            }
            int next = SockDiag.Align((int)len);
            if (next >= datagram.Length)
            {
                break;
            }
            datagram = datagram[next..];
        }
        return SockDiagStatus.More;
    }

    /// <summary>Decodes one <c>inet_diag_msg</c> and its rtattrs (only INET_DIAG_INFO is kept).</summary>
    public static bool TryReadMessage(ReadOnlySpan<byte> payload, out SocketRecord record)
    {
        record = default;
        if (payload.Length < SockDiag.MessageSize)
        {
            return false;
        }
        byte family = payload[0];
        if (family is not (SockDiag.AF_INET or SockDiag.AF_INET6))
        {
            return false;
        }
        var info = default(TcpInfo);
        var attrs = payload[SockDiag.MessageSize..];
        while (attrs.Length >= 4)
        {
            ushort alen = BinaryPrimitives.ReadUInt16LittleEndian(attrs);
            ushort atype = BinaryPrimitives.ReadUInt16LittleEndian(attrs[2..]);
            if (alen < 4 || alen > attrs.Length)
            {
                return false;
            }
            // Bit 15 (NLA_F_NESTED) and 14 (NLA_F_NET_BYTEORDER) are flags, not part of the type.
            if ((atype & 0x3FFF) == SockDiag.INET_DIAG_INFO)
            {
                info = TcpInfo.Parse(attrs[4..alen]);
            }
            int step = SockDiag.Align(alen);
            if (step >= attrs.Length)
            {
                break;
            }
            attrs = attrs[step..];
        }
        record = new SocketRecord
        {
            Id = SocketId.Read(family, payload.Slice(4, SocketId.Size)),
            State = (TcpState)payload[1],
            Timer = (SocketTimer)payload[2],
            TimerRetries = payload[3],
            ExpiresMillis = BinaryPrimitives.ReadUInt32LittleEndian(payload[52..]),
            RQueue = BinaryPrimitives.ReadUInt32LittleEndian(payload[56..]),
            WQueue = BinaryPrimitives.ReadUInt32LittleEndian(payload[60..]),
            Uid = BinaryPrimitives.ReadUInt32LittleEndian(payload[64..]),
            Inode = BinaryPrimitives.ReadUInt32LittleEndian(payload[68..]),
            Info = info,
        };
        return true;
    }
}
