namespace Uncloak.Store.Events;

/// <summary>
/// Room for what the rows of one drain carry beside their event — a link run's encoded lines and minute counts, the
/// other SYN-flood runs of a minute (<see cref="LinkRuns.Drain(List{StoredEvent}, RowArena)"/>,
/// <see cref="EventRuns.Drain(List{StoredEvent}, RowArena)"/>) — in chunks kept from drain to drain. An array of their
/// own for each row was a kilobyte or so a row, garbage as soon as the row was encoded into its block: 15 of the
/// 133 MB the 2 M-line dense log's analysis allocated (issue 18, item 6). What it gives out is valid until
/// <see cref="Reset"/>. Not thread-safe: one per reader.
/// </summary>
public sealed class RowArena
{
    private readonly Chunks<byte> _bytes = new(64 * 1024);
    private readonly Chunks<(long Minute, long Count)> _minutes = new(4 * 1024);

    /// <summary>A copy of <paramref name="bytes"/>, valid until <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes) => _bytes.Copy(bytes);

    /// <summary>A copy of <paramref name="minutes"/>, valid until <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<(long Minute, long Count)> Copy(ReadOnlySpan<(long Minute, long Count)> minutes) => _minutes.Copy(minutes);

    /// <summary>Takes back everything given out; the chunks are kept for the next drain.</summary>
    public void Reset()
    {
        _bytes.Reset();
        _minutes.Reset();
    }

    /// <summary>
    /// Chunks of <c>length</c> items (under the large-object threshold, so each is an ordinary object), filled one after
    /// another; a copy longer than a chunk gets an array of its own, not kept.
    /// </summary>
    private sealed class Chunks<T>(int length)
    {
        private readonly List<T[]> _chunks = [];
        private int _current;
        private int _used;

        public ReadOnlyMemory<T> Copy(ReadOnlySpan<T> items)
        {
            if (items.IsEmpty)
            {
                return default;
            }
            if (items.Length > length)
            {
                return items.ToArray();
            }
            if (_current == _chunks.Count || _used + items.Length > length)
            {
                if (_current < _chunks.Count)
                {
                    _current++;
                }
                if (_current == _chunks.Count)
                {
                    _chunks.Add(new T[length]);
                }
                _used = 0;
            }
            var chunk = _chunks[_current];
            items.CopyTo(chunk.AsSpan(_used));
            var copy = chunk.AsMemory(_used, items.Length);
            _used += items.Length;
            return copy;
        }

        public void Reset()
        {
            _current = 0;
            _used = 0;
        }
    }
}
