using System.Buffers.Binary;
using Uncloak.Core.Decisions;
using Uncloak.Core.Sockets;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// Ban element changes of the single-address sets (<c>ban4</c>, <c>ban6</c>) as one nf_tables netlink batch: the
/// messages <c>nft -f</c> itself sends for <c>add element</c>/<c>delete element</c> (NFNL_MSG_BATCH_BEGIN,
/// NFT_MSG_NEWSETELEM/NFT_MSG_DELSETELEM with NFTA_SET_ELEM_KEY and NFTA_SET_ELEM_TIMEOUT per element, as many elements
/// per message as one attribute holds, NFNL_MSG_BATCH_END), which the kernel applies as one transaction, all or nothing.
/// Written straight from the targets, it skips what a script costs libnftables: parsing 100,000 elements with its
/// grammar and building its own objects for them, as much user CPU as the kernel's insertion (issue 17). The same
/// order as <see cref="BanScript.Render"/>: each delete is preceded by an add of the element with a one-second timeout
/// (deleting an element the kernel does not hold fails the transaction), then the deletes, then the adds. Networks go
/// to interval sets, whose elements are ranges in the kernel; they stay on <see cref="BanScript"/> (see <see cref="Supports"/>).
/// Constant names are the kernel's (include/uapi/linux/netfilter/nf_tables.h, nfnetlink.h). Pure: bytes out; <see cref="TryReadAck"/> reads the replies.
/// </summary>
public static class SetElementBatch
{
#pragma warning disable CA1707 // kernel constant names verbatim
    public const ushort NFNL_MSG_BATCH_BEGIN = 16;
    public const ushort NFNL_MSG_BATCH_END = 17;
    public const byte NFNL_SUBSYS_NFTABLES = 10;
    public const byte NFT_MSG_NEWSETELEM = 12;
    public const byte NFT_MSG_DELSETELEM = 14;
    public const ushort NLM_F_CREATE = 0x400;
    public const byte NFPROTO_INET = 1;
    public const ushort NFTA_SET_ELEM_LIST_TABLE = 1;
    public const ushort NFTA_SET_ELEM_LIST_SET = 2;
    public const ushort NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    public const ushort NFTA_LIST_ELEM = 1;
    public const ushort NFTA_SET_ELEM_KEY = 1;
    public const ushort NFTA_SET_ELEM_TIMEOUT = 4;
    public const ushort NFTA_DATA_VALUE = 1;
#pragma warning restore CA1707

    private const int HeaderSize = 16;
    private const int NfgenmsgSize = 4;

    /// <summary>
    /// Element bytes per message: the elements are one attribute, whose 16-bit length caps it at 65,535 bytes
    /// (2,340 IPv4 elements with timeouts). A little under that, like libnftnl.
    /// </summary>
    public const int MaxElementBytes = 60_000;

    /// <summary>True when every target is a single address: the batch covers exactly the hash sets.</summary>
    public static bool Supports(IEnumerable<BanTarget> remove, IEnumerable<BanElement> add)
    {
        ArgumentNullException.ThrowIfNull(remove);
        ArgumentNullException.ThrowIfNull(add);
        foreach (var t in remove)
        {
            if (!t.IsHost)
            {
                return false;
            }
        }
        foreach (var e in add)
        {
            if (!e.Target.IsHost)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The batch for these changes, its messages numbered from <paramref name="firstSequence"/>; every element message
    /// asks for an acknowledgement (NLM_F_ACK), so the caller waits for <see cref="Rendered.Acks"/> of them, up to sequence
    /// <see cref="Rendered.LastSequence"/>. Throws <see cref="ArgumentException"/> for a network target (check <see cref="Supports"/>).
    /// </summary>
    public static Rendered Render(IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now, uint firstSequence)
    {
        ArgumentNullException.ThrowIfNull(remove);
        ArgumentNullException.ThrowIfNull(add);
        if (!Supports(remove, add))
        {
            throw new ArgumentException("a set element batch holds single addresses only; networks go through the nft script");
        }
        // Sized once: a 100,000-element import is 2.8 MB, which growing by doubling would copy and fault in again.
        var w = new Writer(256 + (add.Count * 40) + (remove.Count * 80), firstSequence);
        w.Message(NFNL_MSG_BATCH_BEGIN, SockDiag.NLM_F_REQUEST, family: 0, resId: NFNL_SUBSYS_NFTABLES);
        w.End();
        for (int v = 0; v < 2; v++)
        {
            bool v4 = v == 0;
            w.Elements(NFT_MSG_NEWSETELEM, v4, remove.Where(t => t.IsV4 == v4).Select(t => (t, 1L)));
        }
        for (int v = 0; v < 2; v++)
        {
            bool v4 = v == 0;
            w.Elements(NFT_MSG_DELSETELEM, v4, remove.Where(t => t.IsV4 == v4).Select(t => (t, 0L)));
        }
        for (int v = 0; v < 2; v++)
        {
            bool v4 = v == 0;
            w.Elements(NFT_MSG_NEWSETELEM, v4, add.Where(e => e.Target.IsV4 == v4).Select(e => (e.Target, e.TimeoutSeconds(now))));
        }
        uint last = w.Sequence - 1;
        w.Message(NFNL_MSG_BATCH_END, SockDiag.NLM_F_REQUEST, family: 0, resId: NFNL_SUBSYS_NFTABLES);
        w.End();
        return new Rendered(w.Written, w.Acks, last);
    }

    /// <summary>A rendered batch: the bytes for one send, and the acknowledgements that prove it was applied.</summary>
    /// <param name="Bytes">Every message, for one <c>sendmsg</c> (the kernel takes a batch from one datagram).</param>
    /// <param name="Acks">How many element messages asked for an acknowledgement.</param>
    /// <param name="LastSequence">The sequence number of the last of them.</param>
    public sealed record Rendered(ReadOnlyMemory<byte> Bytes, int Acks, uint LastSequence);

    /// <summary>
    /// Reads one reply message: an NLMSG_ERROR is an acknowledgement (<paramref name="error"/> 0) or the errno the kernel
    /// refused a message with (negative), for the message numbered <paramref name="sequence"/>. Returns false, with
    /// <paramref name="length"/> the bytes to skip, for any other message; false with length 0 when the bytes are not a
    /// whole netlink message (stop reading the datagram).
    /// </summary>
    public static bool TryReadAck(ReadOnlySpan<byte> datagram, out int length, out uint sequence, out int error)
    {
        sequence = 0;
        error = 0;
        length = 0;
        if (datagram.Length < HeaderSize)
        {
            return false;
        }
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(datagram);
        if (len < HeaderSize || len > datagram.Length)
        {
            return false;
        }
        length = Math.Min(datagram.Length, (int)((len + 3) & ~3u));
        if (BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]) != SockDiag.NLMSG_ERROR || len < HeaderSize + 4)
        {
            return false;
        }
        sequence = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]);
        error = BinaryPrimitives.ReadInt32LittleEndian(datagram[HeaderSize..]);
        return true;
    }

    /// <summary>Appends netlink messages and attributes, little-endian headers, 4-byte aligned.</summary>
    private sealed class Writer(int capacity, uint firstSequence)
    {
        private byte[] _buffer = new byte[capacity];
        private int _length;
        private int _message = -1;

        public uint Sequence { get; private set; } = firstSequence;

        public int Acks { get; private set; }

        public void Message(ushort type, ushort flags, byte family, ushort resId)
        {
            _message = _length;
            var h = Take(HeaderSize + NfgenmsgSize);
            BinaryPrimitives.WriteUInt16LittleEndian(h[4..], type);
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], flags);
            BinaryPrimitives.WriteUInt32LittleEndian(h[8..], Sequence++);
            // nlmsg_pid 0: the kernel fills in the sender. struct nfgenmsg: family, version NFNETLINK_V0, res_id big-endian.
            h[HeaderSize] = family;
            BinaryPrimitives.WriteUInt16BigEndian(h[(HeaderSize + 2)..], resId);
        }

        public void End() => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_message), (uint)(_length - _message));

        /// <summary>One element message per <see cref="MaxElementBytes"/> of elements; a timeout of 0 writes none (a delete).</summary>
        public void Elements(byte command, bool v4, IEnumerable<(BanTarget Target, long Timeout)> elements)
        {
            string set = v4 ? "ban4" : "ban6";
            int open = -1;
            foreach (var (target, timeout) in elements)
            {
                if (open >= 0 && _length - open > MaxElementBytes)
                {
                    CloseNest(open);
                    End();
                    open = -1;
                }
                if (open < 0)
                {
                    ushort flags = (ushort)(SockDiag.NLM_F_REQUEST | SockDiag.NLM_F_ACK | (command == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0));
                    Message((ushort)((NFNL_SUBSYS_NFTABLES << 8) | command), flags, NFPROTO_INET, 0);
                    Acks++;
                    String(NFTA_SET_ELEM_LIST_TABLE, BanSets.Table);
                    String(NFTA_SET_ELEM_LIST_SET, set);
                    open = OpenNest(NFTA_SET_ELEM_LIST_ELEMENTS);
                }
                int element = OpenNest(NFTA_LIST_ELEM);
                int key = OpenNest(NFTA_SET_ELEM_KEY);
                if (v4)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(Attribute(NFTA_DATA_VALUE, 4), target.Network.V4);
                }
                else
                {
                    target.Network.WriteBytes(Attribute(NFTA_DATA_VALUE, 16));
                }
                CloseNest(key);
                if (timeout > 0)
                {
                    // Milliseconds, big-endian u64 (what nft sends for "timeout 3600s").
                    BinaryPrimitives.WriteUInt64BigEndian(Attribute(NFTA_SET_ELEM_TIMEOUT, 8), (ulong)timeout * 1000);
                }
                CloseNest(element);
            }
            if (open >= 0)
            {
                CloseNest(open);
                End();
            }
        }

        private void String(ushort type, string value)
        {
            var span = Attribute(type, value.Length + 1);
            for (int i = 0; i < value.Length; i++)
            {
                span[i] = (byte)value[i]; // ASCII names of Uncloak's own table and sets
            }
            span[value.Length] = 0;
        }

        private Span<byte> Attribute(ushort type, int size)
        {
            var a = Take(4 + ((size + 3) & ~3));
            BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + size));
            BinaryPrimitives.WriteUInt16LittleEndian(a[2..], type);
            return a.Slice(4, size);
        }

        private int OpenNest(ushort type)
        {
            int at = _length;
            BinaryPrimitives.WriteUInt16LittleEndian(Take(4)[2..], type);
            return at;
        }

        private void CloseNest(int at) => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(at), checked((ushort)(_length - at)));

        private Span<byte> Take(int size)
        {
            if (_length + size > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
            }
            var span = _buffer.AsSpan(_length, size);
            span.Clear();
            _length += size;
            return span;
        }

        /// <summary>The bytes written, without a copy (the batch is megabytes).</summary>
        public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);
    }
}
