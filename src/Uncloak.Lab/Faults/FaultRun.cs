using System.Diagnostics;
using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Faults;

/// <summary>Holds a fault for a bounded time: apply, wait, and undo in every case (failure, cancellation).</summary>
public static class FaultRun
{
    /// <summary>The longest a fault may be held: a lab fault is a moment, and the matrix has six of them.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(5);

    /// <summary>Applies <paramref name="fault"/>, holds it for <paramref name="duration"/>, undoes it; returns when it was in force (from, to), in UTC.</summary>
    public static async Task<(DateTime From, DateTime To)> HoldAsync(IFault fault, LabNames names, TimeSpan duration, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (duration <= TimeSpan.Zero || duration > MaxDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"a fault lasts between 0 and {MaxDuration.TotalMinutes:0} minutes");
        }
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.Factory.StartNew(() => fault.Apply(names, cancel), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            var from = DateTime.UtcNow;
            var left = duration - clock.Elapsed;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, cancel).ConfigureAwait(false);
            }
            return (from, DateTime.UtcNow);
        }
        finally
        {
            fault.Undo(names);
        }
    }
}
