using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Commands.Analyze;

public static partial class AnalyzeRunner
{
    /// <summary>
    /// Feeds one builder and the store. Firewall lines are counted into this reader's own aggregates (handed to the
    /// writer at <see cref="Flush"/>); the rare events go to the writer as rows in whole batches, so several sinks can
    /// feed one writer from parallel readers; runs of repetitive rare lines and of link lines are collapsed here
    /// (<see cref="EventRuns"/>, <see cref="LinkRuns"/>),
    /// so their text is copied once per run. Message text is copied only for rows that cannot rebuild it: treason rows
    /// rebuild theirs from their fields (TreasonMessage.Text).
    /// </summary>
    private sealed class TeeSink(AnalysisBuilder builder, EventWriter? writer, long storedBelow) : IEventSink
    {
        private List<StoredEvent>? _batch;
        private RollupAggregator _rollups = new();
        private readonly EventRuns _runs = new();
        private readonly LinkRuns _links = new();

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
        {
            int peerId = builder.Count(ev, 1);
            if (writer is null || ev.Position.Offset < storedBelow)
            {
                return;
            }
            if (RollupAggregator.Aggregates(ev.Kind))
            {
                _rollups.Add(ev, peerId);
                return;
            }
            if (EventRuns.Collapses(ev.Kind) && _runs.Add(ev, message))
            {
                if (_runs.Count >= EventRuns.Limit)
                {
                    AddRuns();
                }
                return;
            }
            if (ev.Kind == EventKind.NicLink && _links.Add(ev, message))
            {
                if (_links.Count >= LinkRuns.Limit)
                {
                    AddRuns();
                }
                return;
            }
            Queue(new StoredEvent(ev, 1, ev.Kind == EventKind.Treason ? null : EventRuns.Text(message)));
        }

        private void Queue(in StoredEvent stored)
        {
            _batch ??= writer!.RentBatch();
            _batch.Add(stored);
            if (_batch.Count == EventWriter.BatchSize)
            {
                writer!.AddBatch(_batch);
                _batch = null;
                YoungGenerationPacer.Tick();
            }
        }

        private void AddRuns()
        {
            foreach (var row in _runs.Drain())
            {
                Queue(row);
            }
            foreach (var row in _links.Drain())
            {
                Queue(row);
            }
        }

        public void Flush()
        {
            if (writer is null)
            {
                return;
            }
            AddRuns();
            if (_batch is { Count: > 0 })
            {
                writer.AddBatch(_batch);
                _batch = null;
            }
            writer.AddRollups(_rollups);
            _rollups = new RollupAggregator();
        }
    }
}
