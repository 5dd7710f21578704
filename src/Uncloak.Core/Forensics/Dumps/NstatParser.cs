using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>nstat -az</c> / <c>nstat -a</c> output (iproute2 <c>misc/nstat.c</c>, <c>"%-32s%-16llu%6.1f\n"</c> after a
/// <c>#kernel</c> line): <c>TcpExtListenOverflows 1234 0.0</c>. Names are split at their table prefix into the qualified
/// form the counter snapshots use (<c>TcpExt.ListenOverflows</c>), so a pasted nstat and a read of /proc compare.
/// </summary>
internal sealed class NstatParser(DumpEvidence into) : DumpParser(into)
{
    /// <summary>Longest first: TcpExt before Tcp, IcmpMsg before Icmp, Ip6 before Ip.</summary>
    private static readonly string[] Prefixes =
        ["MPTcpExt", "TcpExt", "IpExt", "IcmpMsg", "UdpLite6", "UdpLite", "Icmp6", "Udp6", "Ip6", "Icmp", "Tcp", "Udp", "Ip", "Sctp"];

    public override DumpKind Kind => DumpKind.Nstat;

    public static bool IsHeader(ReadOnlySpan<byte> line) => line.StartsWith("#kernel"u8);

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsHeader(line))
        {
            return DumpLine.Taken;
        }
        if (IsIndented(line))
        {
            return DumpLine.NotMine;
        }
        var rest = line;
        if (!TryNextToken(ref rest, out var name) || !TryNextToken(ref rest, out var value))
        {
            return DumpLine.NotMine;
        }
        string? qualified = Qualify(Name(name));
        if (qualified is null)
        {
            return DumpLine.NotMine;
        }
        if (!TryLong(value, out long v))
        {
            return DumpLine.Malformed;
        }
        Into.Counters[qualified] = v;
        return DumpLine.Taken;
    }

    /// <summary><c>TcpExtListenOverflows</c> → <c>TcpExt.ListenOverflows</c>; null when no known table prefix starts it.</summary>
    internal static string? Qualify(string name)
    {
        foreach (var prefix in Prefixes)
        {
            if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && char.IsUpper(name[prefix.Length]))
            {
                return prefix + "." + name[prefix.Length..];
            }
        }
        return null;
    }
}
