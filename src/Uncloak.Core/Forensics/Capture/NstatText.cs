using System.Globalization;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>
/// Writes counters in <c>nstat -az</c>'s shape (<c>#kernel</c>, then <c>"%-32s%-16llu%6.1f"</c> per counter) from the
/// qualified names a /proc snapshot uses (<c>TcpExt.ListenOverflows</c> → <c>TcpExtListenOverflows</c>). Only the tables
/// nstat prints are written (the SNMP and netstat ones); sockstat and conntrack keep their own files in a bundle.
/// </summary>
public static class NstatText
{
    private static readonly string[] Tables =
        ["MPTcpExt", "TcpExt", "IpExt", "IcmpMsg", "UdpLite6", "UdpLite", "Icmp6", "Udp6", "Ip6", "Icmp", "Tcp", "Udp", "Ip", "Sctp"];

    /// <summary>Writes every counter of a known table, in name order (stable output for the same values).</summary>
    public static void Write(TextWriter output, IReadOnlyDictionary<string, long> counters)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(counters);
        output.Write("#kernel\n");
        foreach (var (name, value) in counters.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !Tables.Contains(name[..dot]) || name.IndexOf('.', dot + 1) >= 0)
            {
                continue;
            }
            string flat = string.Concat(name.AsSpan(0, dot), name.AsSpan(dot + 1));
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{flat,-32}{value,-16}{0.0,6:0.0}\n"));
        }
    }
}
