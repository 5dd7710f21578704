using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Forensics;

/// <summary>
/// Everything known about one outage: dump snapshots per phase (before / during / after), the vantage probes and the
/// kernel messages. A bundle fills every part; a pasted dump fills only <see cref="EvidencePhase.During"/>, so rules
/// that need a delta fall back to totals since boot and say so.
/// </summary>
public sealed class IncidentEvidence
{
    private readonly Dictionary<EvidencePhase, DumpEvidence> _phases = [];

    public IReadOnlyDictionary<EvidencePhase, DumpEvidence> Phases => _phases;

    public List<VantageProbe> Probes { get; } = [];

    public KernelEvidence? Kernel { get; set; }

    /// <summary>The snapshot of <paramref name="phase"/>, created empty on first use.</summary>
    public DumpEvidence Phase(EvidencePhase phase)
    {
        if (!_phases.TryGetValue(phase, out var evidence))
        {
            evidence = new DumpEvidence();
            _phases[phase] = evidence;
        }
        return evidence;
    }

    public DumpEvidence? Before => _phases.GetValueOrDefault(EvidencePhase.Before);

    /// <summary>The moment of the outage: During, else After (a capture that came late), else Before.</summary>
    public DumpEvidence? Moment => _phases.GetValueOrDefault(EvidencePhase.During) ?? _phases.GetValueOrDefault(EvidencePhase.After);

    /// <summary>True when nothing at all was read: no dump, no probe, no kernel event.</summary>
    public bool IsEmpty => _phases.Values.All(p => p.IsEmpty) && Probes.Count == 0 && (Kernel is null || Kernel.Counts.Count == 0);

    /// <summary>Every probe: the bundle's own file and probes pasted among the dumps.</summary>
    public IEnumerable<VantageProbe> AllProbes => Probes.Concat(_phases.Values.SelectMany(p => p.Probes));

    /// <summary>
    /// How much counter <paramref name="name"/> grew from Before to the moment, with <c>Delta</c> true; or its total since
    /// boot with <c>Delta</c> false when there is no baseline; null when the moment does not have it.
    /// </summary>
    public (long Value, bool Delta)? Growth(string name)
    {
        if (Moment is not { } now || !now.Counters.TryGetValue(name, out long value))
        {
            return null;
        }
        if (Before is { } before && before.Counters.TryGetValue(name, out long then))
        {
            // A counter that went down was reset (a module reload): the value now is the growth since.
            return (value >= then ? value - then : value, true);
        }
        return (value, false);
    }

    /// <summary>The same qdisc in the Before snapshot (by device, handle and parent).</summary>
    public QdiscStats? QdiscBefore(QdiscStats now) => Before?.Qdiscs.FirstOrDefault(q => q.Key == now.Key);

    public LinkStats? LinkBefore(LinkStats now) => Before?.Links.FirstOrDefault(l => l.Name == now.Name);

    public NicStatistics? NicBefore(NicStatistics now) => Before?.Nics.GetValueOrDefault(now.Device);

    /// <summary>Reads a pasted dump (or several concatenated) as the moment of an outage.</summary>
    public static IncidentEvidence FromDump(ReadOnlySpan<byte> text)
    {
        var evidence = new IncidentEvidence();
        DumpReader.Read(text, evidence.Phase(EvidencePhase.During));
        return evidence;
    }
}
