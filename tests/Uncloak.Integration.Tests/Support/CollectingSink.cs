using Uncloak.Linux.Sources;

namespace Uncloak.Integration.Tests.Support;

/// <summary>Stands in for the engine: keeps every batch and the last cursor, as the engine would commit them.</summary>
internal sealed class CollectingSink : ISourceSink
{
    private readonly Lock _lock = new();

    public List<SourceBatch> Batches { get; } = [];

    public List<string> Problems { get; } = [];

    public (string? Cursor, long Position, long Gaps) Committed { get; private set; }

    public ValueTask DeliverAsync(SourceBatch batch, CancellationToken cancel)
    {
        lock (_lock)
        {
            Batches.Add(batch);
            Committed = (batch.Cursor, batch.Position, batch.Gaps);
        }
        return ValueTask.CompletedTask;
    }

    public void Problem(string source, string message, TimeSpan retryIn)
    {
        lock (_lock)
        {
            Problems.Add(message);
        }
    }

    public List<string> Texts()
    {
        lock (_lock)
        {
            return [.. Batches.SelectMany(b => b.Events).Select(e => e.Text ?? "")];
        }
    }

    public List<long> Positions()
    {
        lock (_lock)
        {
            return [.. Batches.SelectMany(b => b.Events).Select(e => e.Event.Position.Offset)];
        }
    }
}
