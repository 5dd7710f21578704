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

    /// <summary>
    /// The flood loop every packet attacker shares: sends at <see cref="AttackLimits.Rate"/> until the time limit,
    /// the packet limit or cancellation, whichever comes first. <paramref name="send"/> gets the packet's number.
    /// </summary>
    public static AttackStats Flood(AttackLimits limits, Action<long> send, CancellationToken cancel)
    {
        var pacer = new Pacer(limits.Rate);
        var clock = Stopwatch.StartNew();
        long sent = 0;
        string stopped = "time limit";
        while (true)
        {
            if (cancel.IsCancellationRequested)
            {
                stopped = "cancelled";
                break;
            }
            if (clock.Elapsed >= limits.Duration)
            {
                break;
            }
            if (sent >= limits.MaxPackets)
            {
                stopped = "packet limit";
                break;
            }
            int due = (int)Math.Min(pacer.Due(Math.Max(1, (int)(limits.Rate / 10))), limits.MaxPackets - sent);
            for (int i = 0; i < due; i++)
            {
                send(sent + i);
            }
            sent += due;
            pacer.Sent(due);
            Thread.Sleep(5);
        }
        return new AttackStats(sent, 0, 0, 0, 0, clock.Elapsed, stopped);
    }
}
