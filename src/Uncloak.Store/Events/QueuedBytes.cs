namespace Uncloak.Store.Events;

/// <summary>
/// Bounds what the readers have handed the store writer and it has not written yet, in bytes rather than in batches:
/// a batch of single-line rows without text (treason lines) was a fifth of one of runs with their text and encoded lines,
/// so a bound of 8 batches held 1.5 MB on one mix and several times that on another, and how full it was depended on
/// how far the readers ran ahead of the writer on that machine (issue 18, item 6: the 10 M-line peak moved by 50 MB
/// between a loaded and a quiet machine). A producer waits while the queue holds more than <c>limit</c> bytes; one block
/// is always let through, so no block is too big to hand over.
/// </summary>
internal sealed class QueuedBytes(long limit)
{
    // An object, not a System.Threading.Lock: producers wait on it for room (Monitor.Wait).
    private readonly object _gate = new();
    private long _queued;
    private bool _unbounded;

    /// <summary>Bytes queued now.</summary>
    public long Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> more fit (or nothing is queued), then counts them.</summary>
    public void Take(long bytes)
    {
        lock (_gate)
        {
            while (!_unbounded && _queued > 0 && _queued + bytes > limit)
            {
                Monitor.Wait(_gate);
            }
            _queued += bytes;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> as written and wakes the producers waiting for room.</summary>
    public void Release(long bytes)
    {
        lock (_gate)
        {
            _queued -= bytes;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Lets every producer through from now on (the writer failed and drops what it is given).</summary>
    public void Unbound()
    {
        lock (_gate)
        {
            _unbounded = true;
            Monitor.PulseAll(_gate);
        }
    }
}
