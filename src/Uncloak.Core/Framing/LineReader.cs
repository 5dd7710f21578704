namespace Uncloak.Core.Framing;

/// <summary>
/// Splits a stream into lines without allocating per line, tracking each line's byte offset.
/// Lines longer than <see cref="MaxLineLength"/> are not returned whole: the reader reports them as
/// overlong (with their offset) and skips to the next newline, so a 1 GB line costs no memory.
/// Read errors of the stream (truncated gzip, vanished file) propagate to the caller, which knows
/// the file; everything returned before stays valid.
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

    /// <param name="stream">What to read.</param>
    /// <param name="bufferSize">Read buffer (at least twice the line limit).</param>
    /// <param name="startOffset">Offset of the stream's first byte in the whole input, when reading one range of a file.</param>
    public LineReader(Stream stream, int bufferSize = 1 << 20, long startOffset = 0)
    {
        _stream = stream;
        _buffer = new byte[Math.Max(bufferSize, MaxLineLength * 2)];
        _bufferOffset = startOffset;
    }

    /// <summary>Bytes consumed so far (the offset of the next line).</summary>
    public long Position => _bufferOffset + _start;

    /// <summary>
    /// Next line without its newline. <paramref name="overlong"/> is true for a line that exceeded the
    /// limit (then <paramref name="line"/> holds its first bytes only).
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out long offset, out bool overlong)
    {
        overlong = false;
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            int nl = window.IndexOf((byte)'\n');
            if (nl >= 0)
            {
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

    private void SkipOverlong()
    {
        while (true)
        {
            var window = _buffer.AsSpan(_start, _end - _start);
            int nl = window.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                _start += nl + 1;
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
