using System.Buffers.Binary;

namespace Uncloak.Core.Wire;

/// <summary>
/// pcapng: typed blocks (type, total length, body, total length again). Packets come from enhanced, simple and
/// obsolete packet blocks; each interface description block brings its link type, snapshot length and timestamp
/// resolution (if_tsresol) and offset (if_tsoffset); a new section header starts a new interface list.
/// </summary>
public sealed partial class CaptureReader
{
    private const uint BlockSectionHeader = 0x0A0D0D0A;
    private const uint BlockInterface = 0x00000001;
    private const uint BlockObsoletePacket = 0x00000002;
    private const uint BlockSimplePacket = 0x00000003;
    private const uint BlockEnhancedPacket = 0x00000006;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort OptionEnd = 0;
    private const ushort OptionTsResol = 9;
    private const ushort OptionTsOffset = 14;

    private readonly List<CaptureInterface> _interfaces = [];

    private bool TryReadSectionStart(out string? problem)
    {
        if (!Ensure(12) || !TrySetByteOrder(Available))
        {
            problem = "the pcapng section header is cut short or has no byte-order magic";
            return false;
        }
        problem = null;
        return true;
    }

    private bool TrySetByteOrder(ReadOnlySpan<byte> block)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(block[8..]);
        if (magic == ByteOrderMagic)
        {
            _bigEndian = false;
            return true;
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(block[8..]) == ByteOrderMagic)
        {
            _bigEndian = true;
            return true;
        }
        return false;
    }

    private bool TryReadBlock(out CapturedPacket packet)
    {
        packet = default;
        while (true)
        {
            if (!Ensure(12))
            {
                // A clean end of file falls between records; anything left over is a cut-off header.
                return _end != _start && Stop("the file ends inside a block header");
            }
            var head = Available;
            uint type = U32(head);
            if (type == BlockSectionHeader && !TrySetByteOrder(head))
            {
                return Stop("a section header has no byte-order magic");
            }
            uint length = U32(head[4..]);
            if (length < 12 || length % 4 != 0 || length > MaxBlockLength)
            {
                return Stop($"a block claims {length:N0} bytes");
            }
            if (!Ensure((int)length))
            {
                return Stop("the file ends inside a block");
            }
            var block = _buffer.AsSpan(_start, (int)length);
            long offset = _startOffset;
            bool found = U32(block[^4..]) != length
                ? Skip(offset, malformed: true)
                : type switch
                {
                    BlockSectionHeader => StartSection(),
                    BlockInterface => AddInterface(block, offset),
                    BlockEnhancedPacket => TryEnhanced(block, offset, out packet),
                    BlockSimplePacket => TrySimple(block, offset, out packet),
                    BlockObsoletePacket => TryObsolete(block, offset, out packet),
                    _ => Skip(offset, malformed: false),
                };
            Consume((int)length);
            if (found)
            {
                Statistics.Packets++;
                return true;
            }
        }
    }

    private bool Skip(long offset, bool malformed)
    {
        Statistics.SkippedBlocks++;
        if (malformed)
        {
            Statistics.NoteMalformed(offset);
        }
        return false;
    }

    private bool StartSection()
    {
        _interfaces.Clear();
        return false;
    }

    private bool AddInterface(ReadOnlySpan<byte> block, long offset)
    {
        if (block.Length < 20)
        {
            // Keep the numbering of later interfaces right even when this one is unreadable.
            _interfaces.Add(new CaptureInterface((LinkType)0xFFFF, 0, 6, 0));
            return Skip(offset, malformed: true);
        }
        var linkType = (LinkType)U16(block[8..]);
        uint snaplen = U32(block[12..]);
        byte resolution = 6;
        long tsOffset = 0;
        var options = block[16..^4];
        while (options.Length >= 4)
        {
            ushort code = U16(options);
            ushort len = U16(options[2..]);
            if (code == OptionEnd || 4 + len > options.Length)
            {
                break;
            }
            var value = options.Slice(4, len);
            if (code == OptionTsResol && len >= 1)
            {
                resolution = value[0];
            }
            else if (code == OptionTsOffset && len >= 8)
            {
                tsOffset = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }
            options = options[Math.Min(options.Length, 4 + ((len + 3) & ~3))..];
        }
        _interfaces.Add(new CaptureInterface(linkType, snaplen, resolution, tsOffset));
        return false;
    }

    private bool TryEnhanced(ReadOnlySpan<byte> block, long offset, out CapturedPacket packet)
    {
        packet = default;
        if (block.Length < 32)
        {
            return Skip(offset, malformed: true);
        }
        uint id = U32(block[8..]);
        ulong ts = ((ulong)U32(block[12..]) << 32) | U32(block[16..]);
        return TryPacket(block, offset, id, ts, U32(block[20..]), U32(block[24..]), 28, out packet);
    }

    private bool TryObsolete(ReadOnlySpan<byte> block, long offset, out CapturedPacket packet)
    {
        packet = default;
        if (block.Length < 32)
        {
            return Skip(offset, malformed: true);
        }
        uint id = U16(block[8..]);
        ulong ts = ((ulong)U32(block[12..]) << 32) | U32(block[16..]);
        return TryPacket(block, offset, id, ts, U32(block[20..]), U32(block[24..]), 28, out packet);
    }

    private bool TrySimple(ReadOnlySpan<byte> block, long offset, out CapturedPacket packet)
    {
        packet = default;
        if (block.Length < 16 || _interfaces.Count == 0)
        {
            return Skip(offset, malformed: true);
        }
        // No captured length in a simple packet block: the smaller of the wire length, the room in the block and the
        // first interface's snapshot length (pcapng §4.4).
        uint original = U32(block[8..]);
        long captured = Math.Min(original, block.Length - 16);
        if (_interfaces[0].SnapLength != 0)
        {
            captured = Math.Min(captured, _interfaces[0].SnapLength);
        }
        packet = new CapturedPacket
        {
            Data = block.Slice(12, (int)captured),
            LinkType = _interfaces[0].LinkType,
            Ticks = 0,
            OriginalLength = (int)Math.Min(original, int.MaxValue),
            Offset = offset,
        };
        return true;
    }

    private bool TryPacket(ReadOnlySpan<byte> block, long offset, uint id, ulong ts, uint captured, uint original, int dataAt, out CapturedPacket packet)
    {
        packet = default;
        if (id >= (uint)_interfaces.Count || captured > (uint)(block.Length - dataAt - 4))
        {
            return Skip(offset, malformed: true);
        }
        var iface = _interfaces[(int)id];
        packet = new CapturedPacket
        {
            Data = block.Slice(dataAt, (int)captured),
            LinkType = iface.LinkType,
            Ticks = iface.ToTicks(ts),
            OriginalLength = (int)Math.Max(Math.Min(original, int.MaxValue), captured),
            Interface = (int)id,
            Offset = offset,
        };
        return true;
    }
}
