using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

/// <summary>
/// Reassembles <c>journalctl -o export</c> entries: <c>KEY=value</c> lines until a blank line; a field whose
/// value is binary is written as <c>KEY\n</c>, a 64-bit little-endian length, the bytes and a newline.
/// </summary>
public sealed class JournalExportAssembler
{
    private const int MaxMessage = 64 * 1024;

    private readonly byte[] _message = new byte[MaxMessage];
    private readonly byte[] _host = new byte[256];
    private int _messageLength = -1;
    private int _hostLength;
    private long _realtime = -1;
    private long _monotonic = -1;
    private int _priority = -1;

    /// <summary>
    /// Feeds one line. Returns <see cref="FrameResult.Record"/> when a blank line completes an entry that had a
    /// MESSAGE; then <paramref name="framed"/> holds it. Binary fields are pulled from <paramref name="reader"/>.
    /// </summary>
    public FrameResult Feed(ReadOnlySpan<byte> line, LineReader reader, out FramedLine framed)
    {
        framed = default;
        if (line.IsEmpty)
        {
            return Complete(out framed);
        }
        int eq = line.IndexOf((byte)'=');
        if (eq < 0)
        {
            // Binary field: 8-byte LE length, data, '\n'.
            if (!reader.TryReadExact(8, out var lenBytes))
            {
                return FrameResult.Malformed;
            }
            ulong len = BitConverter.ToUInt64(lenBytes);
            bool isMessage = line.SequenceEqual("MESSAGE"u8);
            if (isMessage && len <= MaxMessage)
            {
                if (!reader.TryReadExact((int)len, out var data))
                {
                    return FrameResult.Malformed;
                }
                data.CopyTo(_message);
                _messageLength = data.Length;
            }
            else if (len > long.MaxValue || !reader.TrySkip((long)len))
            {
                return FrameResult.Malformed;
            }
            reader.TrySkip(1);
            return FrameResult.Skip;
        }
        var key = line[..eq];
        var value = line[(eq + 1)..];
        if (key.SequenceEqual("MESSAGE"u8))
        {
            int n = Math.Min(value.Length, MaxMessage);
            value[..n].CopyTo(_message);
            _messageLength = n;
        }
        else if (key.SequenceEqual("__REALTIME_TIMESTAMP"u8))
        {
            _realtime = AsciiNumber.TryParseUInt64(value, out ulong v) && v < 253_402_300_799_000_000UL ? (long)v : -1;
        }
        else if (key.SequenceEqual("_SOURCE_MONOTONIC_TIMESTAMP"u8) || (key.SequenceEqual("__MONOTONIC_TIMESTAMP"u8) && _monotonic < 0))
        {
            _monotonic = AsciiNumber.TryParseUInt64(value, out ulong v) && v <= long.MaxValue ? (long)v : -1;
        }
        else if (key.SequenceEqual("PRIORITY"u8))
        {
            _priority = AsciiNumber.TryParseInt32(value, out int p) ? Math.Min(p, 7) : -1;
        }
        else if (key.SequenceEqual("_HOSTNAME"u8) && value.Length <= _host.Length)
        {
            value.CopyTo(_host);
            _hostLength = value.Length;
        }
        return FrameResult.Skip;
    }

    /// <summary>Emits the last entry of a file that does not end with a blank line.</summary>
    public FrameResult Flush(out FramedLine framed) => Complete(out framed);

    private FrameResult Complete(out FramedLine framed)
    {
        framed = default;
        bool had = _messageLength >= 0;
        if (had)
        {
            framed = new FramedLine
            {
                Time = _realtime > 0 ? DateTime.UnixEpoch.AddTicks(_realtime * 10) : default,
                UptimeMicros = _monotonic,
                Priority = _priority,
                Host = _host.AsSpan(0, _hostLength),
                Message = _message.AsSpan(0, _messageLength),
            };
        }
        _messageLength = -1;
        _realtime = -1;
        _monotonic = -1;
        _priority = -1;
        _hostLength = 0;
        return had ? FrameResult.Record : FrameResult.Skip;
    }
}
