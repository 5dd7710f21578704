using Uncloak.Core.Sockets;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// What one moment's dumps say, whatever pasted or captured them: the socket table, the counters, the qdiscs, the NIC
/// and link statistics, the neighbours and the probes. Fed by <see cref="DumpReader"/>; bounded (<see cref="MaxSockets"/>).
/// </summary>
public sealed class DumpEvidence
{
    /// <summary>Sockets kept; a larger table is counted in <see cref="SocketsOverCap"/> (the rules need proportions, not every socket).</summary>
    public const int MaxSockets = 500_000;

    /// <summary>Counters by qualified name, as <see cref="Counters.CounterSnapshot"/> spells them: <c>TcpExt.ListenOverflows</c>.</summary>
    public Dictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);

    public List<SocketRecord> Sockets { get; } = [];

    public long SocketsOverCap { get; internal set; }

    public List<QdiscStats> Qdiscs { get; } = [];

    /// <summary><c>ethtool -S</c> outputs by interface ("" when the paste does not name it).</summary>
    public Dictionary<string, NicStatistics> Nics { get; } = new(StringComparer.Ordinal);

    public List<LinkStats> Links { get; } = [];

    public List<NeighbourEntry> Neighbours { get; } = [];

    public List<VantageProbe> Probes { get; } = [];

    /// <summary>The kinds of dump found, in the order first seen.</summary>
    public List<DumpKind> Kinds { get; } = [];

    /// <summary>Lines read in all.</summary>
    public long Lines { get; internal set; }

    /// <summary>Lines inside a dump that did not parse (a cut line, a damaged value).</summary>
    public long Malformed { get; internal set; }

    /// <summary>1-based line number of the first malformed line; 0 when none.</summary>
    public long FirstMalformedLine { get; internal set; }

    /// <summary>Lines outside any recognised dump (prose, prompts, other commands' output).</summary>
    public long OtherLines { get; internal set; }

    public bool IsEmpty => Kinds.Count == 0;

    internal void Saw(DumpKind kind)
    {
        if (!Kinds.Contains(kind))
        {
            Kinds.Add(kind);
        }
    }
}
