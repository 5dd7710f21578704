using System.Buffers.Binary;

namespace Uncloak.Core.Framing;

/// <summary>
/// The last classic syslog stamp a reader parsed (<c>Mmm dd HH:MM:SS</c>, its 15 bytes) and the time it stood for,
/// without its fraction: see <see cref="SyslogTimestamp.TryParseBsd(ReadOnlySpan{byte}, DateTime, ref BsdStampCache, out DateTime, out int)"/>.
/// Valid only with the reference it was parsed against; the default matches nothing.
/// </summary>
public readonly struct BsdStampCache
{
    private readonly ulong _head;
    private readonly ulong _tail;

    internal BsdStampCache(ReadOnlySpan<byte> stamp, DateTime time)
    {
        _head = BinaryPrimitives.ReadUInt64LittleEndian(stamp);
        _tail = BinaryPrimitives.ReadUInt64LittleEndian(stamp[7..15]);
        Time = time;
    }

    /// <summary>The whole seconds of the stamp, its year inferred.</summary>
    internal DateTime Time { get; }

    /// <summary>True when the first 15 bytes of <paramref name="s"/> (at least 15 long) are the stamp kept here.</summary>
    internal bool Matches(ReadOnlySpan<byte> s)
        => Time != default
            && BinaryPrimitives.ReadUInt64LittleEndian(s) == _head
            && BinaryPrimitives.ReadUInt64LittleEndian(s[7..15]) == _tail;
}
