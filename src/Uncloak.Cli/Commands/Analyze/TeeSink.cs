using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Commands.Analyze;

public static partial class AnalyzeRunner
{
    /// <summary>
    /// Feeds one builder and the store. Firewall lines are counted into this reader's own aggregates (handed to the
    /// writer at <see cref="Flush"/>); the rare events are encoded here into blocks of rows (<see cref="EventBlockBuilder"/>)
    /// handed to the writer whole, so several sinks can feed one writer from parallel readers and the writer only writes
    /// blobs; runs of repetitive rare lines and of link lines are collapsed here (<see cref="EventRuns"/>,
    /// <see cref="LinkRuns"/>), so their text is copied once per run. Message text is copied only for rows that cannot
    /// rebuild it: treason rows rebuild theirs from their fields (TreasonMessage.Text).
    /// </summary>
    /// <remarks>
    /// Two streams of blocks, each in offset order: the lines stored as they come, and the runs, sorted at each drain
    /// (every run open at a drain was opened after the one before, so the drains follow each other in the file). Blocks
    /// that do not overlap keep the store's ordered read to a few decoded blocks at a time.
    /// <para>
    /// One per reader thread, fed its ranges one after another (<see cref="Builder"/> is the range's): its tables and
    /// buffers are reused from range to range rather than allocated anew for each (issue 18, item 6).
    /// </para>
    /// </remarks>
    private sealed class TeeSink(EventWriter? writer, long storedBelow) : IEventSink
    {
        private readonly EventBlockBuilder _lines = new();
        private readonly EventBlockBuilder _runBlocks = new();
        private readonly List<StoredEvent> _drained = [];
        private readonly RowArena _arena = new();
        private RollupAggregator _rollups = writer?.SpareRollups() ?? new();
        private readonly EventRuns _runs = new();
        private readonly LinkRuns _links = new();

        /// <summary>The builder of the range being read.</summary>
        public required AnalysisBuilder Builder { get; set; }

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
        {
            Builder.Add(ev, 1);
            if (writer is null || ev.Position.Offset < storedBelow)
            {
                return;
            }
            if (RollupAggregator.Aggregates(ev.Kind))
            {
                _rollups.Add(ev);
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
            Append(_lines, new StoredEvent(ev, 1, ev.Kind == EventKind.Treason ? null : EventRuns.Text(message)));
        }

        private void Append(EventBlockBuilder blocks, in StoredEvent row)
        {
            if (blocks.Count > 0 && blocks.Source != row.Event.Position.SourceId)
            {
                Hand(blocks);
            }
            blocks.Append(row);
            if (blocks.Full)
            {
                Hand(blocks);
            }
            if ((++_appended & 1023) == 0)
            {
                YoungGenerationPacer.Tick(); // as often as when rows went over in batches of 1,024
            }
        }

        private long _appended;

        private void Hand(EventBlockBuilder blocks)
        {
            if (blocks.Build() is { } block)
            {
                writer!.AddBlock(block);
            }
        }

        private void AddRuns()
        {
            _runs.Drain(_drained, _arena);
            _links.Drain(_drained, _arena);
            // In offset order by their keys: sorting the rows themselves moved each (a few hundred bytes with references)
            // a dozen times.
            if (_order.Length < _drained.Count)
            {
                _order = new long[_drained.Count];
                _index = new int[_drained.Count];
            }
            for (int i = 0; i < _drained.Count; i++)
            {
                _order[i] = _drained[i].Event.Position.Offset;
                _index[i] = i;
            }
            Array.Sort(_order, _index, 0, _drained.Count);
            var rows = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_drained);
            for (int i = 0; i < rows.Length; i++)
            {
                Append(_runBlocks, rows[_index[i]]);
            }
            _drained.Clear();
            _arena.Reset(); // the rows' lines are in their blocks now
        }

        private long[] _order = [];
        private int[] _index = [];

        public void Flush()
        {
            if (writer is null)
            {
                return;
            }
            AddRuns();
            Hand(_lines);
            Hand(_runBlocks);
            writer.AddRollups(_rollups);
            _rollups = writer.SpareRollups();
        }
    }
}
