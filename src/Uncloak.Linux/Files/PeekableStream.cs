namespace Uncloak.Linux.Files;

/// <summary>
/// A read-only forward stream whose first bytes can be looked at before reading, so format detection and
/// gzip sniffing work on pipes (stdin) that cannot seek.
/// </summary>
internal sealed class PeekableStream : ReadOnlyForwardStream
{
    private readonly Stream _inner;
    private byte[] _peeked = [];
    private int _peekedStart;

    public PeekableStream(Stream inner)
    {
        _inner = inner;
    }

    /// <summary>Fills <paramref name="buffer"/> with the next bytes without consuming them; returns how many (fewer only at the end).</summary>
    public int Peek(Span<byte> buffer)
    {
        int have = _peeked.Length - _peekedStart;
        if (have < buffer.Length)
        {
            var grown = new byte[buffer.Length];
            _peeked.AsSpan(_peekedStart, have).CopyTo(grown);
            while (have < buffer.Length)
            {
                int n = _inner.Read(grown, have, buffer.Length - have);
                if (n == 0)
                {
                    break;
                }
                have += n;
            }
            _peeked = grown[..have];
            _peekedStart = 0;
        }
        int count = Math.Min(buffer.Length, have);
        _peeked.AsSpan(_peekedStart, count).CopyTo(buffer);
        return count;
    }

    /// <summary>Bytes read so far (peeked bytes count once read).</summary>
    public long Consumed { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        int have = _peeked.Length - _peekedStart;
        int n;
        if (have > 0)
        {
            n = Math.Min(have, buffer.Length);
            _peeked.AsSpan(_peekedStart, n).CopyTo(buffer);
            _peekedStart += n;
        }
        else
        {
            n = _inner.Read(buffer);
        }
        Consumed += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
