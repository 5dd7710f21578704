using Uncloak.Core.Events;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>ip neigh</c> output: <c>198.18.0.1 dev eth0 lladdr 52:54:00:12:34:56 REACHABLE</c>, <c>198.18.0.1 dev eth0 FAILED</c>,
/// <c>fe80::1 dev eth0 lladdr … router STALE</c>. The NUD state is the last word.
/// </summary>
internal sealed class NeighbourParser(DumpEvidence into) : DumpParser(into)
{
    private static readonly HashSet<string> States = ["REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "INCOMPLETE", "PERMANENT", "NOARP", "NONE"];

    public override DumpKind Kind => DumpKind.IpNeighbour;

    public static bool IsEntry(ReadOnlySpan<byte> line) => TryRead(line, out _);

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (!TryRead(line, out var entry))
        {
            return DumpLine.NotMine;
        }
        Into.Neighbours.Add(entry);
        return DumpLine.Taken;
    }

    private static bool TryRead(ReadOnlySpan<byte> line, out NeighbourEntry entry)
    {
        entry = null!;
        var rest = line;
        if (IsIndented(line) || !TryNextToken(ref rest, out var address) || !NetAddress.TryParse(address, out var a)
            || !TryNextToken(ref rest, out var dev) || !dev.SequenceEqual("dev"u8) || !TryNextToken(ref rest, out var device))
        {
            return false;
        }
        string lladdr = "", state = "";
        while (TryNextToken(ref rest, out var token))
        {
            if (token.SequenceEqual("lladdr"u8) && TryNextToken(ref rest, out var mac))
            {
                lladdr = Name(mac);
            }
            else
            {
                state = Name(token);
            }
        }
        if (!States.Contains(state))
        {
            return false;
        }
        entry = new NeighbourEntry(a, Name(device), lladdr, state);
        return true;
    }
}
