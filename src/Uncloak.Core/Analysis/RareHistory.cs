using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Replays the rare events (NIC, SYN flood, conntrack, memory) in time order into interface histories (link
/// flaps paired down→up), SYN-flood listeners and the disruption windows the log itself shows. Done at the end
/// so that inputs read out of order or in parallel still pair up correctly. What each event adds is its
/// family's business (<see cref="MessageFamily.Replay"/>); this class keeps the order and the tables.
/// </summary>
internal sealed class RareHistory
{
    private readonly Dictionary<string, InterfaceStats> _interfaces = new(StringComparer.Ordinal);

    public List<InterfaceStats> Interfaces { get; } = [];

    public Dictionary<string, (long Cookies, long Drops)> SynFloodListeners { get; } = new(StringComparer.Ordinal);

    /// <summary>The disruption signals, one per line (or down→up pair), sorted by start; <see cref="DisruptionTimeline.Merge"/> makes them disruptions.</summary>
    public List<(DateTime Start, DateTime End, string Cause, long Signals)> Disruptions { get; } = [];

    /// <summary>Local ports that SYN-flood lines named as listening: evidence of what this host serves.</summary>
    public HashSet<ushort> SynFloodListenerPorts { get; } = [];

    /// <summary>The last time of the run being replayed (its first line's when it is one line).</summary>
    public DateTime RunLast { get; private set; }

    /// <summary>How many lines the run being replayed stands for.</summary>
    public long RunCount { get; private set; } = 1;

    /// <summary>
    /// Replays <paramref name="rare"/>'s runs and link lines as one sequence in time order, sorting both in place (no
    /// copy: they can hold hundreds of thousands of entries).
    /// </summary>
    public static RareHistory Replay(RareRuns rare, DateTime? logEnd)
    {
        var h = new RareHistory();
        rare.Runs.Sort(static (a, b) =>
        {
            int c = a.Start.CompareTo(b.Start);
            c = c != 0 ? c : a.Position.SourceId.CompareTo(b.Position.SourceId);
            return c != 0 ? c : a.Position.Offset.CompareTo(b.Position.Offset);
        });
        rare.Links.Sort(static (a, b) => LinkLine.Compare(a, b));
        var runs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rare.Runs);
        var links = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rare.Links);
        var nicLink = MessageFamilies.For(EventKind.NicLink);
        int r = 0, l = 0;
        while (r < runs.Length || l < links.Length)
        {
            if (l < links.Length && (r == runs.Length || Before(links[l], runs[r])))
            {
                ref readonly var line = ref links[l++];
                h.RunLast = line.Start;
                h.RunCount = 1;
                nicLink?.Replay(h, line.Event(rare.Devices[line.Device]), line.Start);
                continue;
            }
            ref readonly var run = ref runs[r++];
            h.RunLast = run.Last;
            h.RunCount = run.Count;
            MessageFamilies.For(run.Kind)?.Replay(h, run.First, run.Start);
        }
        foreach (var nic in h._interfaces.Values)
        {
            if (nic.DownSince is { } down)
            {
                nic.Flaps.Add(new LinkFlap(nic.Name, down, null));
                if (down != default && logEnd is { } end && end > down)
                {
                    h.Disruptions.Add((down, end, $"{nic.Name} link down (still down at end of log)", 1));
                }
                nic.DownSince = null;
            }
        }
        h.Interfaces.AddRange(h._interfaces.Values.OrderBy(i => i.Name, StringComparer.Ordinal));
        h.Disruptions.Sort((a, b) => a.Start.CompareTo(b.Start));
        return h;
    }

    /// <summary>True when the link line comes before the run in the replay's order (time, source, offset).</summary>
    private static bool Before(in LinkLine line, in RareRun run)
    {
        int c = line.Start.CompareTo(run.Start);
        c = c != 0 ? c : line.SourceId.CompareTo(run.Position.SourceId);
        return (c != 0 ? c : line.Offset.CompareTo(run.Position.Offset)) < 0;
    }

    /// <summary>
    /// A signal that the log itself shows service was disrupted: open from its line (to the last of its run) for <paramref name="hold"/>
    /// (<see cref="DisruptionTimeline"/> says why it opens at the line); ignored when the event had no clock.
    /// </summary>
    public void AddDisruption(DateTime time, TimeSpan hold, string cause)
    {
        if (time != default)
        {
            Disruptions.Add((time, (RunLast > time ? RunLast : time) + hold, cause, RunCount));
        }
    }

    /// <summary>The history of the event's interface (or of its driver when the line names no interface).</summary>
    public InterfaceStats Interface(in NetEvent ev)
    {
        string name = ev.Interface ?? (ev.Driver is null ? "?" : ev.Driver + " (no interface named)");
        if (!_interfaces.TryGetValue(name, out var nic))
        {
            nic = new InterfaceStats(name);
            _interfaces[name] = nic;
        }
        nic.Driver ??= ev.Driver;
        return nic;
    }
}
