using System.Buffers.Binary;

namespace Uncloak.Core.Wire;

/// <summary>
/// Writes a pcapng file (draft-ietf-opsawg-pcapng) to a stream: one section header block, one interface description
/// block (link type, snapshot length, if_tsresol 9: nanosecond timestamps) and an enhanced packet block per packet,
/// little-endian, no other options. The shape <see cref="CaptureReader"/>, Wireshark and tshark read. Several writers
/// may follow one another on the same stream: each starts a new section, which readers take as a new interface list.
/// No allocation per packet: blocks are built in one scratch buffer.
/// </summary>
public sealed class PcapNgWriter
{
    private const uint BlockSectionHeader = 0x0A0D0D0A;
    private const uint BlockInterface = 0x00000001;
    private const uint BlockEnhancedPacket = 0x00000006;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort OptionTsResol = 9;

    /// <summary>Enhanced packet block header (28 bytes) and trailing length (4) around the padded data.</summary>
    private const int PacketOverhead = 32;

    private readonly Stream _stream;
    private readonly int _snapLength;
    private readonly byte[] _scratch;

    /// <summary>Writes the section header and the interface description at once.</summary>
    /// <param name="stream">Where the file goes; stream errors propagate.</param>
    /// <param name="linkType">What each packet starts with (<see cref="LinkType.Raw"/> for an AF_PACKET SOCK_DGRAM capture).</param>
    /// <param name="snapLength">Bytes kept of each packet at most; longer data is cut to it (the wire length is kept).</param>
    public PcapNgWriter(Stream stream, LinkType linkType, int snapLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(snapLength, CaptureReader.MaxPacketLength);
        _stream = stream;
        _snapLength = snapLength;
        _scratch = new byte[Math.Max(32, PacketOverhead + Padded(snapLength))];
        WriteHeader(linkType);
    }

    /// <summary>Bytes written so far (headers included).</summary>
    public long Length { get; private set; }

    /// <summary>Packets written so far.</summary>
    public long Packets { get; private set; }

    /// <summary>The file's size for <paramref name="packets"/> packets of <paramref name="capturedBytes"/> captured bytes in all, at most (padding counted per packet).</summary>
    public static long SizeOf(long packets, long capturedBytes) => 28 + 32 + packets * (PacketOverhead + 3) + capturedBytes;

    /// <summary>
    /// One packet: <paramref name="data"/> from the link header named at construction, cut to the snapshot length;
    /// <paramref name="unixNanoseconds"/> since 1970 (UTC); <paramref name="wireLength"/> its length on the wire (at least
    /// the captured length).
    /// </summary>
    public void Write(ReadOnlySpan<byte> data, long unixNanoseconds, int wireLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unixNanoseconds);
        var captured = data[..Math.Min(data.Length, _snapLength)];
        int total = PacketOverhead + Padded(captured.Length);
        var block = _scratch.AsSpan(0, total);
        BinaryPrimitives.WriteUInt32LittleEndian(block, BlockEnhancedPacket);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], 0); // interface id
        BinaryPrimitives.WriteUInt32LittleEndian(block[12..], (uint)((ulong)unixNanoseconds >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(block[16..], (uint)unixNanoseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(block[20..], (uint)captured.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], (uint)Math.Max(wireLength, captured.Length));
        captured.CopyTo(block[28..]);
        block.Slice(28 + captured.Length, Padded(captured.Length) - captured.Length).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block[^4..], (uint)total);
        _stream.Write(block);
        Length += total;
        Packets++;
    }

    private void WriteHeader(LinkType linkType)
    {
        // Section header: byte-order magic, version 1.0, section length unknown (-1), no options.
        var shb = _scratch.AsSpan(0, 28);
        BinaryPrimitives.WriteUInt32LittleEndian(shb, BlockSectionHeader);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[4..], 28);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[8..], ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(shb[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(shb[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(shb[16..], -1);
        BinaryPrimitives.WriteUInt32LittleEndian(shb[24..], 28);
        _stream.Write(shb);
        // Interface description: link type, reserved, snaplen, if_tsresol = 9 (10^-9 s), opt_endofopt.
        var idb = _scratch.AsSpan(0, 32);
        BinaryPrimitives.WriteUInt32LittleEndian(idb, BlockInterface);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[4..], 32);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[8..], (ushort)linkType);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[12..], (uint)_snapLength);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[16..], OptionTsResol);
        BinaryPrimitives.WriteUInt16LittleEndian(idb[18..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[20..], 9);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[24..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(idb[28..], 32);
        _stream.Write(idb);
        Length = 60;
    }

    private static int Padded(int length) => (length + 3) & ~3;
}
