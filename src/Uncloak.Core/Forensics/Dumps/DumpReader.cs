using Uncloak.Core.Text;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// Reads text that holds one or more tool outputs (a file of <c>ss -tinoe</c>, or a forum post with <c>nstat</c>,
/// <c>ethtool -S eth0</c> and <c>tc -s qdisc</c> pasted one after another, prompts and prose between them) into one
/// <see cref="DumpEvidence"/>. Each output is recognised by its first line, the way log framings are: a header only
/// that tool prints. Pasted command lines (<c>$ ethtool -S eth0</c>) supply what an output leaves out (the interface).
/// Pure: bytes in, evidence out; malformed lines are counted, never fatal; lines past <see cref="MaxLineLength"/> are
/// malformed.
/// </summary>
public static class DumpReader
{
    public const int MaxLineLength = 64 * 1024;

    /// <summary>The dump kind the text starts with (after blank lines, prompts and prose), or null when none is recognised in its first lines.</summary>
    public static DumpKind? Detect(ReadOnlySpan<byte> head, int maxLines = 20)
    {
        for (int n = 0; n < maxLines && !head.IsEmpty; n++)
        {
            int nl = head.IndexOf((byte)'\n');
            var line = nl < 0 ? head : head[..nl];
            head = nl < 0 ? default : head[(nl + 1)..];
            if (StartOf(Tokens.TrimEnd(line)) is { } kind)
            {
                return kind;
            }
        }
        return null;
    }

    /// <summary>Reads all of <paramref name="text"/> into <paramref name="into"/> (a new evidence when null).</summary>
    public static DumpEvidence Read(ReadOnlySpan<byte> text, DumpEvidence? into = null)
    {
        var evidence = into ?? new DumpEvidence();
        DumpParser? parser = null;
        string device = "";
        bool reserved = false;
        while (!text.IsEmpty)
        {
            int nl = text.IndexOf((byte)'\n');
            var line = Tokens.TrimEnd(nl < 0 ? text : text[..nl]);
            text = nl < 0 ? default : text[(nl + 1)..];
            evidence.Lines++;
            if (line.Length > MaxLineLength)
            {
                Malformed(evidence);
                continue;
            }
            if (IsBlank(line))
            {
                continue;
            }
            if (StartOf(line) is { } kind && (parser is null || parser.Kind != kind || Restarts(kind)))
            {
                parser = Create(kind, evidence, device);
                evidence.Saw(kind);
                if (kind == DumpKind.Ss && !reserved)
                {
                    // Once per text: a paste alternating ss lines with others would otherwise rescan the rest each time.
                    reserved = true;
                    ReserveSockets(evidence, line, text);
                }
            }
            else if (parser is null && CommandHint(line) is { } hint)
            {
                device = hint;
                evidence.OtherLines++;
                continue;
            }
            if (parser is null)
            {
                evidence.OtherLines++;
                continue;
            }
            switch (parser.Feed(line))
            {
                case DumpLine.Malformed:
                    Malformed(evidence);
                    break;
                case DumpLine.NotMine:
                    parser = null;
                    if (CommandHint(line) is { } next)
                    {
                        device = next;
                    }
                    else
                    {
                        device = "";
                    }
                    evidence.OtherLines++;
                    break;
            }
        }
        return evidence;
    }

    /// <summary>
    /// Sizes the socket list once from the lines that can still hold a socket (<paramref name="first"/> and every later
    /// line not indented: ss indents its tcp_info lines), so a 100,000-socket table is not grown by doubling, which held
    /// an old and a new array (≈ 1.5× the records) at the peak. An over-count (other dumps pasted after it) costs one
    /// record per such line, bounded by <see cref="DumpEvidence.MaxSockets"/>.
    /// </summary>
    private static void ReserveSockets(DumpEvidence evidence, ReadOnlySpan<byte> first, ReadOnlySpan<byte> rest)
    {
        int room = DumpEvidence.MaxSockets - evidence.Sockets.Count;
        int lines = IsBlank(first) ? 0 : 1;
        while (lines < room && !rest.IsEmpty)
        {
            if (rest[0] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                lines++;
            }
            int nl = rest.IndexOf((byte)'\n');
            rest = nl < 0 ? default : rest[(nl + 1)..];
        }
        evidence.Sockets.EnsureCapacity(evidence.Sockets.Count + Math.Min(lines, room));
    }

    private static void Malformed(DumpEvidence evidence)
    {
        evidence.Malformed++;
        if (evidence.FirstMalformedLine == 0)
        {
            evidence.FirstMalformedLine = evidence.Lines;
        }
    }

    /// <summary>A second <c>NIC statistics:</c> is another interface's output, not more of the first.</summary>
    private static bool Restarts(DumpKind kind) => kind == DumpKind.EthtoolStatistics;

    private static DumpParser Create(DumpKind kind, DumpEvidence into, string device) => kind switch
    {
        DumpKind.Ss => new SsParser(into),
        DumpKind.Nstat => new NstatParser(into),
        DumpKind.NetstatStatistics => new NetstatParser(into),
        DumpKind.EthtoolStatistics => new EthtoolStatsParser(into, device),
        DumpKind.TcQdisc => new QdiscParser(into, device),
        DumpKind.IpLink => new IpLinkParser(into),
        DumpKind.IpNeighbour => new NeighbourParser(into),
        _ => new ProbesParser(into),
    };

    /// <summary>The kind whose output starts with this line, if any.</summary>
    private static DumpKind? StartOf(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return null;
        }
        if (ProbesParser.IsHeader(line))
        {
            return DumpKind.Probes;
        }
        if (NstatParser.IsHeader(line))
        {
            return DumpKind.Nstat;
        }
        if (SsParser.IsHeader(line) || SsParser.IsSocketLine(line))
        {
            return DumpKind.Ss;
        }
        if (EthtoolStatsParser.IsHeader(line))
        {
            return DumpKind.EthtoolStatistics;
        }
        if (QdiscParser.IsHeader(line))
        {
            return DumpKind.TcQdisc;
        }
        if (IpLinkParser.IsHeader(line))
        {
            return DumpKind.IpLink;
        }
        if (NetstatParser.IsSection(line, out _))
        {
            return DumpKind.NetstatStatistics;
        }
        if (NeighbourParser.IsEntry(line))
        {
            return DumpKind.IpNeighbour;
        }
        return null;
    }

    /// <summary>
    /// The interface a pasted command line names for an output that does not print it: <c>ethtool -S eth0</c>,
    /// <c>tc -s qdisc show dev eth0</c> (with or without a prompt before it).
    /// </summary>
    internal static string? CommandHint(ReadOnlySpan<byte> line)
    {
        var rest = line;
        bool ethtool = false, tc = false;
        while (TryNextToken(ref rest, out var token))
        {
            if (token.EndsWith("ethtool"u8))
            {
                ethtool = true;
            }
            else if (token.SequenceEqual("tc"u8) || token.EndsWith("/tc"u8))
            {
                tc = true;
            }
            else if (ethtool && (token.SequenceEqual("-S"u8) || token.SequenceEqual("--statistics"u8)) && TryNextToken(ref rest, out var dev))
            {
                return Name(dev);
            }
            else if (tc && token.SequenceEqual("dev"u8) && TryNextToken(ref rest, out var tcDev))
            {
                return Name(tcDev);
            }
        }
        return null;
    }
}
