namespace Uncloak.Core.Framing;

/// <summary>
/// Splits a stream into lines without allocating per line, tracking each line's byte offset.
/// Lines longer than <see cref="MaxLineLength"/> are not returned whole: the reader reports them as
/// overlong (with their offset) and skips to the next newline, so a 1 GB line costs no memory.
/// Read errors of the stream (truncated gzip, vanished file) propagate to the caller, which knows
/// the file; everything returned before stays valid.
/// <para>
/// Runs of NUL bytes are crash damage (blocks a filesystem allocated but never wrote after a power loss),
/// never text: they end a line, are skipped and recorded in <see cref="DamagedRanges"/>, and the text after
/// them starts a new line, so the good line that follows a damaged block is never lost. Text cut off by a NUL
/// run is returned with <see cref="LineDamaged"/> set.
/// </para>
/// </summary>
public sealed class LineReader
{
    public const int MaxLineLength = 64 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset; // stream offset of _buffer[0]
    private bool _eof;
    private readonly List<ByteRange> _damaged = [];

    /// <param name="stream">What to read.</param>
    /// <param name="bufferSize">Read buffer (at least twice the line limit).</param>
    /// <param name="startOffset">Offset of the stream's first byte in the whole input, when reading one range of a file.</param>
    public LineReader(Stream stream, int bufferSize = DefaultBufferSize, long startOffset = 0)
        : this(stream, new byte[Math.Max(bufferSize, MinimumBufferSize)], startOffset)
    {
    }

    /// <summary>
    /// A reader that reads into <paramref name="buffer"/>, which the caller may give to the next reader once this one is
    /// done (a parallel read's ranges, one after another on a thread: a megabyte each is a large object, and every
    /// large-object allocation brings the next full collection closer).
    /// </summary>
    public LineReader(Stream stream, byte[] buffer, long startOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, MinimumBufferSize);
        _stream = stream;
        _buffer = buffer;
        _bufferOffset = startOffset;
    }

    /// <summary>The read buffer's size unless told otherwise.</summary>
    public const int DefaultBufferSize = 1 << 20;

    /// <summary>The smallest read buffer: a line at the limit and the start of the next.</summary>
    public const int MinimumBufferSize = MaxLineLength * 2;

    /// <summary>How many damaged ranges <see cref="DamagedRanges"/> keeps; the rest are only counted.</summary>
    public const int MaxDamagedRanges = 1000;

    /// <summary>Bytes consumed so far (the offset of the next line).</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>The first <see cref="MaxDamagedRanges"/> NUL runs skipped so far, in file order.</summary>
    public IReadOnlyList<ByteRange> DamagedRanges => _damaged;

    /// <summary>How many NUL runs were skipped (all of them, also past <see cref="MaxDamagedRanges"/>).</summary>
    public long DamagedRangeCount { get; private set; }

    /// <summary>How many bytes the skipped NUL runs held.</summary>
    public long DamagedBytes { get; private set; }

    /// <summary>True when the line last returned was cut short by a NUL run (the start of a line whose end was lost).</summary>
    public bool LineDamaged { get; private set; }

    /// <summary>
    /// Next line without its newline. <paramref name="overlong"/> is true for a line that exceeded the
    /// limit (then <paramref name="line"/> holds its first bytes only).
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out long offset, out bool overlong)
    {
        overlong = false;
        LineDamaged = false;
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            int nl = window.IndexOfAny((byte)'\n', (byte)0);
            if (nl >= 0)
            {
                if (window[nl] == 0)
                {
                    if (nl == 0)
                    {
                        SkipNuls();
                        continue;
                    }
                    offset = _bufferOffset + _start;
                    line = window[..nl];
                    _start += nl;
                    LineDamaged = true;
                    return true;
                }
                offset = _bufferOffset + _start;
                line = window[..nl];
                _start += nl + 1;
                return true;
            }
            if (window.Length >= MaxLineLength)
            {
                offset = _bufferOffset + _start;
                SkipOverlong();
                overlong = true;
                line = default;
                return true;
            }
            if (_eof)
            {
                if (window.IsEmpty)
                {
                    offset = Position;
                    line = default;
                    return false;
                }
                offset = _bufferOffset + _start;
                line = window;
                _start = _end;
                return true;
            }
            Fill();
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> raw bytes (journal export binary fields); false at a premature end.</summary>
    public bool TryReadExact(int count, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (count < 0 || count > _buffer.Length / 2)
        {
            return false;
        }
        while (_end - _start < count && !_eof)
        {
            Fill();
        }
        if (_end - _start < count)
        {
            return false;
        }
        data = _buffer.AsSpan(_start, count);
        _start += count;
        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes without keeping them.</summary>
    public bool TrySkip(long count)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                if (_eof)
                {
                    return false;
                }
                Fill();
                continue;
            }
            int n = (int)Math.Min(count, _end - _start);
            _start += n;
            count -= n;
        }
        return true;
    }

    /// <summary>Skips the NUL run at the read position (across refills) and records it.</summary>
    private void SkipNuls()
    {
        long runStart = Position;
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            int text = window.IndexOfAnyExcept((byte)0);
            if (text >= 0)
            {
                _start += text;
                break;
            }
            _start = _end;
            if (_eof)
            {
                break;
            }
            Fill();
        }
        long length = Position - runStart;
        DamagedRangeCount++;
        DamagedBytes += length;
        if (_damaged.Count < MaxDamagedRanges)
        {
            _damaged.Add(new ByteRange(runStart, length));
        }
    }

    private void SkipOverlong()
    {
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            int nl = window.IndexOfAny((byte)'\n', (byte)0);
            if (nl >= 0)
            {
                // A NUL run ends the overlong line too; it is skipped and recorded by the next read.
                _start += window[nl] == '\n' ? nl + 1 : nl;
                return;
            }
            _start = _end;
            if (_eof)
            {
                return;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            int keep = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, keep);
            _bufferOffset += _start;
            _start = 0;
            _end = keep;
        }
        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }
        _end += n;
    }
}
