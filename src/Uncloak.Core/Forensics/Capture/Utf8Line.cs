using System.Buffers.Text;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>
/// One line of tool-shaped text built as UTF-8 in a caller's buffer, with the padding <c>printf</c> widths give, so a
/// capture writes 100,000 socket lines without a string each. The buffer must hold the longest line (the caller's bound).
/// </summary>
internal ref struct Utf8Line
{
    private readonly Span<byte> _buffer;

    public Utf8Line(Span<byte> buffer) => _buffer = buffer;

    public int Length { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[..Length];

    public void Clear() => Length = 0;

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Length..]);
        Length += bytes.Length;
    }

    public void Append(byte b) => _buffer[Length++] = b;

    public void Append(ulong value)
    {
        Utf8Formatter.TryFormat(value, _buffer[Length..], out int n);
        Length += n;
    }

    /// <summary>Lower-case hexadecimal, as <c>%llx</c>.</summary>
    public void AppendHex(ulong value)
    {
        Utf8Formatter.TryFormat(value, _buffer[Length..], out int n, new System.Buffers.StandardFormat('x'));
        Length += n;
    }

    /// <summary>A number in at least three digits (<c>050</c>), as <c>%03d</c>.</summary>
    public void Append3(uint value)
    {
        Utf8Formatter.TryFormat(value, _buffer[Length..], out int n, new System.Buffers.StandardFormat('D', 3));
        Length += n;
    }

    /// <summary>Spaces after what was written since <paramref name="start"/> until it is <paramref name="width"/> wide (<c>%-Ns</c>).</summary>
    public void PadRight(int start, int width)
    {
        while (Length - start < width)
        {
            _buffer[Length++] = (byte)' ';
        }
    }

    /// <summary>Moves what was written since <paramref name="start"/> right, spaces before it, until it is <paramref name="width"/> wide (<c>%Ns</c>).</summary>
    public void PadLeft(int start, int width)
    {
        int shift = width - (Length - start);
        if (shift <= 0)
        {
            return;
        }
        _buffer[start..Length].CopyTo(_buffer[(start + shift)..]);
        _buffer.Slice(start, shift).Fill((byte)' ');
        Length += shift;
    }
}
