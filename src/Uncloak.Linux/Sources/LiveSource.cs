namespace Uncloak.Linux.Sources;

/// <summary>
/// A source the daemon keeps reading. <see cref="RunAsync"/> restarts the read loop after failures with exponential
/// backoff (1 s doubling to 60 s, reset after a minute of health) until cancelled; each restart resumes from the
/// last cursor the engine committed, so a failure loses and duplicates nothing.
/// </summary>
public abstract class LiveSource
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    protected LiveSource(string name, TimeProvider time)
    {
        Name = name;
        Time = time;
    }

    /// <summary>Stable name, the cursor's key: <c>kmsg:&lt;boot id&gt;</c>, <c>file:/var/log/kern.log</c>, <c>journal:kernel</c>.</summary>
    public string Name { get; }

    protected TimeProvider Time { get; }

    /// <summary>Store id of the source (set by the engine before the source starts).</summary>
    public int SourceId { get; set; }

    /// <summary>Restarts so far (a metric).</summary>
    public int Restarts { get; private set; }

    /// <summary>Reads from <paramref name="cursor"/> (null: from the current end, or the start of the ring for kmsg) until cancelled or broken.</summary>
    protected abstract Task ReadAsync(string? cursor, long position, long gaps, ISourceSink sink, CancellationToken cancel);

    /// <summary>The cursor and position to resume from; the engine keeps them current as it commits.</summary>
    public Func<(string? Cursor, long Position, long Gaps)> Resume { get; set; } = () => (null, 0, 0);

    public async Task RunAsync(ISourceSink sink, CancellationToken cancel)
    {
        var backoff = MinBackoff;
        while (!cancel.IsCancellationRequested)
        {
            var started = Time.GetUtcNow();
            try
            {
                var (cursor, position, gaps) = Resume();
                await ReadAsync(cursor, position, gaps, sink, cancel).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                if (Time.GetUtcNow() - started > TimeSpan.FromMinutes(1))
                {
                    backoff = MinBackoff;
                }
                Restarts++;
                sink.Problem(Name, e.Message, backoff);
                try
                {
                    await Task.Delay(backoff, Time, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }
}
