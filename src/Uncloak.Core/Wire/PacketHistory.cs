namespace Uncloak.Core.Wire;

/// <summary>
/// The last moments of the wire, kept for an incident bundle: packet headers (each cut to the snapshot length) in one
/// circular byte buffer and fixed arrays of their times and lengths, all allocated at construction, so the memory is
/// known from the start and adding a packet allocates nothing. Bounded three ways: the oldest packets are dropped first
/// when a new one would exceed <see cref="PacketHistoryLimits.MaxBytes"/> captured bytes or
/// <see cref="PacketHistoryLimits.MaxPackets"/> packets, or is older than <see cref="PacketHistoryLimits.Window"/>
/// behind the newest. One thread adds, any thread may write a copy out (<see cref="WriteTo"/>); a lock keeps them apart.
/// </summary>
public sealed class PacketHistory
{
    private readonly PacketHistoryLimits _limits;
    private readonly long _windowNanos;
    private readonly byte[] _data;
    private readonly long[] _times;
    private readonly int[] _starts;
    private readonly int[] _lengths;
    private readonly int[] _wireLengths;
    private readonly Lock _lock = new();
    private int _oldest;
    private int _count;
    private int _dataStart;
    private long _bytes;
    private long _dropped;
    private long _added;

    public PacketHistory(PacketHistoryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(limits));
        }
        _limits = limits;
        _windowNanos = limits.Window.Ticks * 100;
        _data = new byte[limits.MaxBytes];
        _times = new long[limits.MaxPackets];
        _starts = new int[limits.MaxPackets];
        _lengths = new int[limits.MaxPackets];
        _wireLengths = new int[limits.MaxPackets];
    }

    public PacketHistoryLimits Limits => _limits;

    /// <summary>Packets held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Captured bytes held now.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Packets added since the start.</summary>
    public long Added => Volatile.Read(ref _added);

    /// <summary>Packets dropped (oldest first) to stay within the bounds, since the start.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>
    /// Keeps one packet: <paramref name="data"/> from the network header (cut to the snapshot length), its time in
    /// nanoseconds since 1970 and its length on the wire. Makes room by dropping the oldest packets.
    /// </summary>
    public void Add(ReadOnlySpan<byte> data, long unixNanoseconds, int wireLength)
    {
        var kept = data[..Math.Min(data.Length, _limits.SnapLength)];
        lock (_lock)
        {
            while (_count > 0 && (_count == _times.Length || _bytes + kept.Length > _data.Length || _times[_oldest] < unixNanoseconds - _windowNanos))
            {
                DropOldest();
                _dropped++;
            }
            int slot = (_oldest + _count) % _times.Length;
            int start = (_dataStart + (int)_bytes) % _data.Length;
            // The data may wrap around the end of the buffer: copied in two parts.
            int first = Math.Min(kept.Length, _data.Length - start);
            kept[..first].CopyTo(_data.AsSpan(start));
            kept[first..].CopyTo(_data);
            _times[slot] = unixNanoseconds;
            _starts[slot] = start;
            _lengths[slot] = kept.Length;
            _wireLengths[slot] = Math.Max(wireLength, kept.Length);
            _count++;
            _bytes += kept.Length;
            _added++;
        }
    }

    /// <summary>
    /// Writes the packets of the last <see cref="PacketHistoryLimits.Window"/> before <paramref name="nowNanoseconds"/>
    /// and after <paramref name="afterNanoseconds"/> (exclusive) as a pcapng section on <paramref name="stream"/>, oldest
    /// first, and returns how many. The lock is held while writing, so give it a memory stream, not a disk.
    /// </summary>
    public int WriteTo(Stream stream, LinkType linkType, long nowNanoseconds, long afterNanoseconds = long.MinValue)
    {
        var writer = new PcapNgWriter(stream, linkType, _limits.SnapLength);
        long since = Math.Max(afterNanoseconds, nowNanoseconds - _windowNanos - 1);
        int written = 0;
        var scratch = new byte[_limits.SnapLength];
        lock (_lock)
        {
            for (int i = 0; i < _count; i++)
            {
                int slot = (_oldest + i) % _times.Length;
                long time = _times[slot];
                if (time <= since || time > nowNanoseconds)
                {
                    continue;
                }
                int start = _starts[slot];
                int length = _lengths[slot];
                int first = Math.Min(length, _data.Length - start);
                _data.AsSpan(start, first).CopyTo(scratch);
                _data.AsSpan(0, length - first).CopyTo(scratch.AsSpan(first));
                writer.Write(scratch.AsSpan(0, length), time, _wireLengths[slot]);
                written++;
            }
        }
        return written;
    }

    private void DropOldest()
    {
        int length = _lengths[_oldest];
        _dataStart = (_dataStart + length) % _data.Length;
        _bytes -= length;
        _oldest = (_oldest + 1) % _times.Length;
        _count--;
        if (_count == 0)
        {
            _dataStart = 0;
        }
    }
}
