using Microsoft.Data.Sqlite;

namespace Uncloak.Store;

/// <summary>
/// Retries a store write that failed for a reason the environment can mend (disk full, I/O error, a lock held too
/// long) until it succeeds, waiting longer each time (0.5 s doubling to 30 s), or until <c>stop</c>. A caller that runs
/// this on its only consumer thread holds its sources while the store is down: their bounded queue fills and they
/// wait, so nothing is read that cannot be committed, and no later batch moves a cursor past one that failed (issue 17,
/// item 4: 17,100 events were lost with the cursor moved past them).
/// </summary>
public static class WriteBackoff
{
    /// <summary>The first wait after a failure.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between attempts.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    /// <summary>True for failures a retry can outlive; a damaged file or a bug is not one of them.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        StoreException s => !s.Damaged && (s.InnerException is null || IsTransient(s.InnerException)),
        SqliteException q => q.SqliteErrorCode is not (SqliteStore.SqliteCorrupt or SqliteStore.SqliteNotADatabase),
        IOException => true,
        _ => false,
    };

    /// <summary>The wait before attempt <paramref name="failures"/> + 1.</summary>
    public static TimeSpan Delay(int failures)
    {
        double ms = First.TotalMilliseconds * Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, Longest.TotalMilliseconds));
    }

    /// <summary>
    /// Runs <paramref name="write"/> until it succeeds. <paramref name="failed"/> hears of every failure (with the count
    /// so far and the wait before the next attempt), <paramref name="recovered"/> of the success after failures.
    /// Returns false when <paramref name="stop"/> ended the wait first: the write did not happen. A failure that is not
    /// transient (<see cref="IsTransient"/>) is thrown at once.
    /// </summary>
    public static bool Run(Action write, TimeProvider time, Action<Exception, int, TimeSpan> failed, Action<int> recovered, CancellationToken stop)
    {
        int failures = 0;
        while (true)
        {
            try
            {
                write();
                if (failures > 0)
                {
                    recovered(failures);
                }
                return true;
            }
            catch (Exception e) when (IsTransient(e))
            {
                failures++;
                var wait = Delay(failures);
                failed(e, failures, wait);
                if (stop.IsCancellationRequested)
                {
                    return false;
                }
                try
                {
                    Task.Delay(wait, time, stop).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }
    }
}
