namespace Uncloak.Linux.Sources;

/// <summary>Receives batches from live sources. Awaiting the call is the back-pressure: a slow engine slows its sources.</summary>
public interface ISourceSink
{
    ValueTask DeliverAsync(SourceBatch batch, CancellationToken cancel);

    /// <summary>A source hit a problem it will retry after <paramref name="retryIn"/> (or a gap it reports and continues past).</summary>
    void Problem(string source, string message, TimeSpan retryIn);
}
