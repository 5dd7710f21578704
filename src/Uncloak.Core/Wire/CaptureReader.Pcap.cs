namespace Uncloak.Core.Wire;

/// <summary>Classic pcap: a 24-byte file header, then 16-byte record headers each followed by the captured bytes.</summary>
public sealed partial class CaptureReader
{
    private const uint PcapMicros = 0xA1B2C3D4;
    private const uint PcapNanos = 0xA1B23C4D;
    private const int PcapFileHeader = 24;
    private const int PcapRecordHeader = 16;

    private LinkType _pcapLinkType;

    private bool TryReadPcapHeader(out string? problem)
    {
        if (!Ensure(PcapFileHeader))
        {
            problem = "the pcap file header is cut short";
            return false;
        }
        var header = Available;
        _bigEndian = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header) is not (PcapMicros or PcapNanos);
        // The link type's upper 16 bits carry the FCS length flag (pcap-savefile(5)); the type is the lower 16.
        _pcapLinkType = (LinkType)(U32(header[20..]) & 0xFFFF);
        Consume(PcapFileHeader);
        problem = null;
        return true;
    }

    private bool TryReadRecord(out CapturedPacket packet)
    {
        packet = default;
        if (!Ensure(PcapRecordHeader))
        {
            // A clean end of file falls between records; anything left over is a cut-off header.
            return _end != _start && Stop("the file ends inside a record header");
        }
        var header = Available;
        uint seconds = U32(header);
        uint fraction = U32(header[4..]);
        uint captured = U32(header[8..]);
        uint original = U32(header[12..]);
        if (captured > MaxPacketLength)
        {
            // Nothing in a pcap marks where the next record starts: a wrong length makes the rest unreadable.
            return Stop($"a record claims {captured:N0} captured bytes");
        }
        int length = (int)captured;
        if (!Ensure(PcapRecordHeader + length))
        {
            return Stop("the file ends inside a packet");
        }
        long sub = Format == CaptureFormat.PcapNanos ? fraction / 100 : fraction * 10L;
        if (fraction >= (Format == CaptureFormat.PcapNanos ? 1_000_000_000u : 1_000_000u))
        {
            Statistics.NoteMalformed(_startOffset);
            sub = 0;
        }
        packet = new CapturedPacket
        {
            Data = _buffer.AsSpan(_start + PcapRecordHeader, length),
            LinkType = _pcapLinkType,
            Ticks = DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + sub,
            OriginalLength = (int)Math.Max(Math.Min(original, int.MaxValue), captured),
            Offset = _startOffset,
        };
        Consume(PcapRecordHeader + length);
        Statistics.Packets++;
        return true;
    }
}
