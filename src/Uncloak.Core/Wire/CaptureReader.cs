using System.Buffers.Binary;

namespace Uncloak.Core.Wire;

/// <summary>
/// Streams packets out of a pcap or pcapng file without allocating per packet: one buffer, refilled from the stream, and
/// each packet handed out as a span into it. Corrupt records are counted in <see cref="Statistics"/>; a record header
/// that makes the rest of a classic pcap unreadable (no resynchronisation is possible there) ends the read and says
/// where in <see cref="CaptureStatistics.StoppedEarly"/>. Stream errors propagate.
/// </summary>
public sealed partial class CaptureReader
{
    /// <summary>libpcap's MAXIMUM_SNAPLEN: no real capture holds a bigger packet, so a bigger length means corruption.</summary>
    public const int MaxPacketLength = 262_144;

    private const int MaxBlockLength = 16 << 20;
    private const int InitialBuffer = 1 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialBuffer];
    private int _start;
    private int _end;
    private long _startOffset;
    private bool _eof;
    private bool _bigEndian;

    private CaptureReader(Stream stream, CaptureFormat format)
    {
        _stream = stream;
        Format = format;
    }

    public CaptureFormat Format { get; }

    public CaptureStatistics Statistics { get; } = new();

    /// <summary>What the first four bytes of a file say it is; <see cref="CaptureFormat.Unknown"/> for anything else.</summary>
    public static CaptureFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4)
        {
            return CaptureFormat.Unknown;
        }
        uint le = BinaryPrimitives.ReadUInt32LittleEndian(head);
        uint be = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (le == PcapMicros || be == PcapMicros)
        {
            return CaptureFormat.Pcap;
        }
        if (le == PcapNanos || be == PcapNanos)
        {
            return CaptureFormat.PcapNanos;
        }
        return le == BlockSectionHeader ? CaptureFormat.PcapNg : CaptureFormat.Unknown;
    }

    /// <summary>
    /// Reads the file header. False (with the reason) when the stream does not start with a capture header this
    /// reader understands; the stream is then positioned somewhere in its first bytes.
    /// </summary>
    public static bool TryOpen(Stream stream, out CaptureReader? reader, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(stream);
        reader = null;
        var candidate = new CaptureReader(stream, CaptureFormat.Unknown);
        if (!candidate.Ensure(4))
        {
            problem = "too short to be a capture";
            return false;
        }
        var format = Detect(candidate.Available);
        if (format == CaptureFormat.Unknown)
        {
            problem = "not a pcap or pcapng file (unknown magic number)";
            return false;
        }
        var opened = new CaptureReader(stream, format) { _buffer = candidate._buffer, _end = candidate._end, _eof = candidate._eof };
        if (format == CaptureFormat.PcapNg ? !opened.TryReadSectionStart(out problem) : !opened.TryReadPcapHeader(out problem))
        {
            return false;
        }
        reader = opened;
        return true;
    }

    /// <summary>
    /// The next packet, or false at the end of the file (or where a corrupt header stopped the read). The packet's span is
    /// valid until the next call.
    /// </summary>
    public bool TryRead(out CapturedPacket packet)
        => Format == CaptureFormat.PcapNg ? TryReadBlock(out packet) : TryReadRecord(out packet);

    private ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    private uint U32(ReadOnlySpan<byte> s) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);

    private ushort U16(ReadOnlySpan<byte> s) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    private void Consume(int count)
    {
        _start += count;
        _startOffset += count;
        Statistics.Bytes = _startOffset;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available from <see cref="_start"/>; false at end of stream.</summary>
    private bool Ensure(int count)
    {
        if (_end - _start >= count)
        {
            return true;
        }
        if (_eof)
        {
            return false;
        }
        if (count > _buffer.Length)
        {
            var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
            Available.CopyTo(bigger);
            _buffer = bigger;
        }
        else if (_start > 0)
        {
            Available.CopyTo(_buffer);
        }
        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                _eof = true;
                return false;
            }
            _end += n;
        }
        return true;
    }

    /// <summary>The file ended or a header is beyond repair: note why, drop what is left, and report the end.</summary>
    private bool Stop(string why)
    {
        Statistics.StoppedEarly ??= $"{why} at byte {_startOffset:N0}";
        Statistics.NoteMalformed(_startOffset);
        Consume(_end - _start);
        _eof = true;
        return false;
    }
}
