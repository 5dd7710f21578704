namespace Uncloak.Core.Analysis;

/// <summary>
/// The interface's replay state. A replay runs over chunks of the rare events (<see cref="RareRuns"/> folds its entries
/// into a chunk whenever it holds its limit), each replayed in time order on its own and then absorbed in time order
/// into the report's interface, so that the counts stay exact however many lines there are. A chunk cannot know
/// whether the link was down when it starts: the downs before its first up are its lead (the earliest one opens the
/// flap its first up closes, unless the link was already down), and resets before its first lines are the previous
/// chunk's business, so the downs that only a reset before the chunk could have caused are kept to be judged then.
/// </summary>
public sealed partial class InterfaceStats
{
    private static readonly TimeSpan ResetReach = TimeSpan.FromSeconds(60);

    /// <summary>Where the interface's first line of the chunk was (the order chunks are absorbed in).</summary>
    internal (DateTime Time, int Source, long Offset) FirstLine { get; set; }

    /// <summary>When the link went down and stayed down (after the chunk's first up; in the report, the running state).</summary>
    internal DateTime? DownSince { get; private set; }

    private bool _downFollowsReset;
    private bool _downSawReset;
    private bool _sawUp;
    private DateTime _leadUp;
    private DateTime? _leadDown;
    private bool _leadFollowsReset;
    private bool _leadSawReset;
    private DateTime? _lastReset;

    // Flap downs of the chunk with no reset before them in the chunk, close enough to its start that one before could count.
    private List<DateTime>? _earlyDowns;

    // The hang/watchdog reports' span, and whether the link came up between two of them (a ring that recovered).
    private DateTime? _firstReport;
    private DateTime? _lastReport;
    private bool _recovered;
    private bool _upSinceReport;
    private bool _upBeforeReports;

    /// <summary>
    /// From the first transmit hang/watchdog report to the last, when no link-up came between them (e1000e repeats its
    /// report every 2 s while the ring stays stuck); null when there are fewer than two reports or the link recovered.
    /// </summary>
    public TimeSpan? HangSpan => _firstReport is { } first && _lastReport is { } last && last > first && !_recovered ? last - first : null;

    internal void LinkDown(DateTime time)
    {
        LinkDowns++;
        if (!_sawUp)
        {
            if (_leadDown is null)
            {
                _leadDown = time;
                _leadSawReset = _lastReset is not null;
                _leadFollowsReset = Follows(_lastReset, time);
            }
        }
        else if (DownSince is null)
        {
            DownSince = time;
            _downSawReset = _lastReset is not null;
            _downFollowsReset = Follows(_lastReset, time);
        }
    }

    internal void LinkUp(DateTime time, List<(DateTime Start, DateTime End, string Cause, long Signals)> disruptions)
    {
        LinkUps++;
        if (_lastReport is null)
        {
            _upBeforeReports = true;
        }
        else
        {
            _upSinceReport = true;
        }
        if (!_sawUp)
        {
            _sawUp = true;
            _leadUp = time;
            return;
        }
        if (DownSince is { } down)
        {
            if (!_downSawReset && down - FirstLine.Time <= ResetReach)
            {
                (_earlyDowns ??= []).Add(down);
            }
            AddFlap(down, time, _downFollowsReset, disruptions);
            DownSince = null;
        }
    }

    /// <summary>A transmit hang or watchdog reset (the driver resets the NIC, and the link may drop after it).</summary>
    internal void Reset(DateTime time)
    {
        if (time == default)
        {
            return;
        }
        _lastReset = time;
        _firstReport ??= time;
        _recovered |= _upSinceReport;
        _upSinceReport = false;
        _lastReport = time;
        // A reset logged in the same second as the down, after it, still came "at or before" it.
        if (!_sawUp && _leadDown == time)
        {
            (_leadSawReset, _leadFollowsReset) = (true, true);
        }
        else if (_sawUp && DownSince == time)
        {
            (_downSawReset, _downFollowsReset) = (true, true);
        }
    }

    /// <summary>Takes in the next chunk of this interface's history (chunks come in time order).</summary>
    internal void Absorb(InterfaceStats chunk, List<(DateTime Start, DateTime End, string Cause, long Signals)> disruptions)
    {
        Driver ??= chunk.Driver;
        LinkUps += chunk.LinkUps;
        LinkDowns += chunk.LinkDowns;
        HalfDuplexUps += chunk.HalfDuplexUps;
        DegradedWarnings += chunk.DegradedWarnings;
        Watchdogs += chunk.Watchdogs;
        Hangs += chunk.Hangs;
        LastSpeedMbps = chunk.LastSpeedMbps > 0 ? chunk.LastSpeedMbps : LastSpeedMbps;
        LastDuplex = chunk.LastDuplex != Events.Duplex.Unknown ? chunk.LastDuplex : LastDuplex;
        LastFlowControl = chunk.LastFlowControl != Events.FlowControl.Unknown ? chunk.LastFlowControl : LastFlowControl;
        if (chunk._leadDown is { } lead && DownSince is null)
        {
            DownSince = lead;
            _downFollowsReset = chunk._leadSawReset ? chunk._leadFollowsReset : Follows(_lastReset, lead);
        }
        if (chunk._sawUp)
        {
            if (DownSince is { } down)
            {
                AddFlap(down, chunk._leadUp, _downFollowsReset, disruptions);
            }
            FlapCount += chunk.FlapCount;
            FlapsEnded += chunk.FlapsEnded;
            DownTotal += chunk.DownTotal;
            DownLongest = chunk.DownLongest > DownLongest ? chunk.DownLongest : DownLongest;
            FlapsAfterReset += chunk.FlapsAfterReset;
            foreach (var early in chunk._earlyDowns ?? [])
            {
                FlapsAfterReset += Follows(_lastReset, early) ? 1 : 0;
            }
            Flaps.AddRange(chunk.Flaps);
            TrimFlaps(2 * FlapsListed);
            DownSince = chunk.DownSince;
            _downFollowsReset = chunk.DownSince is { } d && !chunk._downSawReset ? Follows(_lastReset, d) : chunk._downFollowsReset;
        }
        _lastReset = chunk._lastReset ?? _lastReset;
        if (chunk._firstReport is { } chunkFirst)
        {
            _recovered |= chunk._recovered || (_lastReport is not null && (_upSinceReport || chunk._upBeforeReports));
            _firstReport ??= chunkFirst;
            _lastReport = chunk._lastReport;
            _upSinceReport = chunk._upSinceReport;
        }
        else if (_lastReport is not null)
        {
            _upSinceReport |= chunk.LinkUps > 0;
        }
    }

    /// <summary>The end of the log: a link still down is a flap without an up.</summary>
    internal void Finish()
    {
        if (DownSince is { } down)
        {
            AddFlap(down, null, _downFollowsReset, null);
            StillDown = true;
            DownSince = null;
        }
        TrimFlaps(FlapsListed);
    }

    private void AddFlap(DateTime down, DateTime? up, bool afterReset, List<(DateTime Start, DateTime End, string Cause, long Signals)>? disruptions)
    {
        FlapCount++;
        FlapsAfterReset += afterReset ? 1 : 0;
        if (up is { } u)
        {
            FlapsEnded++;
            var duration = u - down;
            DownTotal += duration;
            DownLongest = duration > DownLongest ? duration : DownLongest;
            if (down != default && u != default)
            {
                disruptions?.Add((down, u, DownCause, 1));
            }
        }
        Flaps.Add(new LinkFlap(Name, down, up));
        TrimFlaps(2 * FlapsListed);
    }

    // Trimmed in batches: removing the oldest flap at every new one would move the whole list each time.
    internal void TrimFlaps(int most)
    {
        if (Flaps.Count > most)
        {
            Flaps.RemoveRange(0, Flaps.Count - FlapsListed);
        }
    }

    /// <summary>True when the latest reset at or before <paramref name="down"/> came at most 60 s before it.</summary>
    private static bool Follows(DateTime? reset, DateTime down) => reset is { } r && r <= down && down - r <= ResetReach;
}
