using System.Diagnostics;

namespace Uncloak.Lab.Attacks;

/// <summary>Spreads packets evenly at a fixed rate: how many are due now, given how many were sent.</summary>
internal sealed class Pacer(double perSecond)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _sent;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Packets due now (at most <paramref name="cap"/>, so a stalled thread does not burst afterwards).</summary>
    public int Due(int cap)
    {
        long due = (long)(perSecond * _clock.Elapsed.TotalSeconds) - _sent;
        return (int)Math.Clamp(due, 0, cap);
    }

    public void Sent(int n) => _sent += n;
}
