namespace Uncloak.Core.Detection;

/// <summary>
/// One group's bucket. Mutable struct kept in the engine's dictionary and updated in place. Time is the
/// events' own: a replayed log fills and leaks exactly as it did live. Events arriving out of order (two
/// merged files) leak nothing backwards.
/// </summary>
internal struct LeakyBucket
{
    public double Level;
    public DateTime Last;
    public DateTime First;
    public DateTime SilentUntil;
    public int Events;
    public HashSet<ulong>? Seen;

    /// <summary>Leaks what <paramref name="now"/> − <see cref="Last"/> lets out; an emptied bucket forgets its fill.</summary>
    public void Leak(DateTime now, TimeSpan leakEvery)
    {
        if (now > Last)
        {
            if (Level > 0)
            {
                Level = Math.Max(0, Level - (now - Last).Ticks / (double)leakEvery.Ticks);
            }
            Last = now;
        }
        if (Level <= 0 && Events > 0)
        {
            Events = 0;
            Seen?.Clear();
        }
    }

    /// <summary>True when the bucket is empty and not in a cooldown at <paramref name="now"/>: it can be dropped.</summary>
    public readonly bool IsIdle(DateTime now, TimeSpan leakEvery)
        => now >= SilentUntil && Level - (now - Last).Ticks / (double)leakEvery.Ticks <= 0;
}
