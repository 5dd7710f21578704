using Uncloak.Core.Text;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>netstat -s</c> output (net-tools <c>statistics.c</c>): a <c>Tcp:</c> section line, then indented sentences with the
/// value in them (<c>1234 times the listen queue of a socket overflowed</c>), or <c>Name: value</c> for counters net-tools
/// has no sentence for (<c>TCPBacklogDrop: 3</c>). Sentences are matched by their template (the number replaced by
/// <c>%</c>) per section; the older wordings (net-tools 1.60) map to the same counters. Sentences not in the table are
/// read as other lines, not as malformed ones.
/// </summary>
internal sealed class NetstatParser(DumpEvidence into) : DumpParser(into)
{
    private static readonly HashSet<string> Sections =
        ["Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "MPTcpExt", "Sctp", "Ip6", "Icmp6", "Udp6", "UdpLite6"];

    /// <summary>Section + template → counter. Only counters the forensics rules or a reader of the verdict need.</summary>
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        ["Ip % total packets received"] = "Ip.InReceives",
        ["Ip % incoming packets discarded"] = "Ip.InDiscards",
        ["Ip % incoming packets delivered"] = "Ip.InDelivers",
        ["Ip % requests sent out"] = "Ip.OutRequests",
        ["Ip % outgoing packets dropped"] = "Ip.OutDiscards",
        ["Ip % dropped because of missing route"] = "Ip.OutNoRoutes",
        ["Tcp % active connection openings"] = "Tcp.ActiveOpens",
        ["Tcp % active connections openings"] = "Tcp.ActiveOpens",
        ["Tcp % active opens"] = "Tcp.ActiveOpens",
        ["Tcp % passive connection openings"] = "Tcp.PassiveOpens",
        ["Tcp % passive opens"] = "Tcp.PassiveOpens",
        ["Tcp % failed connection attempts"] = "Tcp.AttemptFails",
        ["Tcp % connection resets received"] = "Tcp.EstabResets",
        ["Tcp % connections established"] = "Tcp.CurrEstab",
        ["Tcp % segments received"] = "Tcp.InSegs",
        ["Tcp % segments sent out"] = "Tcp.OutSegs",
        ["Tcp % segments send out"] = "Tcp.OutSegs",
        ["Tcp % segments retransmitted"] = "Tcp.RetransSegs",
        ["Tcp % segments retransmited"] = "Tcp.RetransSegs",
        ["Tcp % bad segments received"] = "Tcp.InErrs",
        ["Tcp % bad segments received."] = "Tcp.InErrs",
        ["Tcp % resets sent"] = "Tcp.OutRsts",
        ["Udp % packets received"] = "Udp.InDatagrams",
        ["Udp % packets to unknown port received"] = "Udp.NoPorts",
        ["Udp % packets to unknown port received."] = "Udp.NoPorts",
        ["Udp % packet receive errors"] = "Udp.InErrors",
        ["Udp % packets sent"] = "Udp.OutDatagrams",
        ["Udp % receive buffer errors"] = "Udp.RcvbufErrors",
        ["Udp % send buffer errors"] = "Udp.SndbufErrors",
        ["TcpExt % SYNs to LISTEN sockets dropped"] = "TcpExt.ListenDrops",
        ["TcpExt % SYNs to LISTEN sockets ignored"] = "TcpExt.ListenDrops",
        ["TcpExt % times the listen queue of a socket overflowed"] = "TcpExt.ListenOverflows",
        ["TcpExt % SYN cookies sent"] = "TcpExt.SyncookiesSent",
        ["TcpExt % SYN cookies received"] = "TcpExt.SyncookiesRecv",
        ["TcpExt % invalid SYN cookies received"] = "TcpExt.SyncookiesFailed",
        ["TcpExt % resets received for embryonic SYN_RECV sockets"] = "TcpExt.EmbryonicRsts",
        ["TcpExt % packets pruned from receive queue because of socket buffer overrun"] = "TcpExt.PruneCalled",
        ["TcpExt % packets pruned from receive queue"] = "TcpExt.RcvPruned",
        ["TcpExt % packets dropped from out-of-order queue because of socket buffer overrun"] = "TcpExt.OfoPruned",
        ["TcpExt % TCP sockets finished time wait in fast timer"] = "TcpExt.TW",
        ["TcpExt % TCP sockets finished time wait in slow timer"] = "TcpExt.TWKilled",
        ["TcpExt % connections reset due to unexpected data"] = "TcpExt.TCPAbortOnData",
        ["TcpExt % connections reset due to early user close"] = "TcpExt.TCPAbortOnClose",
        ["TcpExt % connections aborted due to memory pressure"] = "TcpExt.TCPAbortOnMemory",
        ["TcpExt % connections aborted due to timeout"] = "TcpExt.TCPAbortOnTimeout",
        ["TcpExt % connections aborted after user close in linger timeout"] = "TcpExt.TCPAbortOnLinger",
        ["TcpExt % times unable to send RST due to no memory"] = "TcpExt.TCPAbortFailed",
        ["TcpExt TCP ran low on memory % times"] = "TcpExt.TCPMemoryPressures",
        ["TcpExt % other TCP timeouts"] = "TcpExt.TCPTimeouts",
        ["TcpExt % fast retransmits"] = "TcpExt.TCPFastRetrans",
        ["TcpExt % retransmits in slow start"] = "TcpExt.TCPSlowStartRetrans",
        ["TcpExt % retransmits lost"] = "TcpExt.TCPLostRetransmit",
        ["TcpExt % TCP data loss events"] = "TcpExt.TCPLoss",
        ["TcpExt % packets collapsed in receive queue due to low socket buffer"] = "TcpExt.TCPRcvCollapsed",
        ["TcpExt % timeouts in loss state"] = "TcpExt.TCPLossFailures",
        ["TcpExt % timeouts after SACK recovery"] = "TcpExt.TCPSackFailures",
        ["TcpExt Ran % times out of system memory during packet sending"] = "TcpExt.SockMallocOOM",
    };

    private string _section = "";

    public override DumpKind Kind => DumpKind.NetstatStatistics;

    /// <summary>A section line: <c>Tcp:</c>, <c>TcpExt:</c>…</summary>
    public static bool IsSection(ReadOnlySpan<byte> line, out string section)
    {
        section = "";
        var trimmed = Tokens.TrimEnd(line);
        if (trimmed.Length < 3 || trimmed[^1] != ':' || IsIndented(trimmed) || trimmed[..^1].IndexOfAny(" \t"u8) >= 0)
        {
            return false;
        }
        section = Name(trimmed[..^1]);
        return Sections.Contains(section);
    }

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsSection(line, out string section))
        {
            _section = section;
            return DumpLine.Taken;
        }
        if (!IsIndented(line))
        {
            return DumpLine.NotMine;
        }
        var text = Tokens.Trim(line);
        // "TCPBacklogDrop: 3": a counter net-tools has no sentence for, printed by its own name.
        int colon = text.IndexOf(": "u8);
        if (colon > 0 && text[..colon].IndexOfAny(" \t"u8) < 0)
        {
            if (!TryLong(Tokens.Trim(text[(colon + 2)..]), out long named))
            {
                return DumpLine.Malformed;
            }
            Into.Counters[_section + "." + Name(text[..colon])] = named;
            return DumpLine.Taken;
        }
        int start = text.IndexOfAnyInRange((byte)'0', (byte)'9');
        if (start < 0)
        {
            return DumpLine.Taken; // titles inside a section: "ICMP input histogram:", "TCPExt:" groupings
        }
        int end = start;
        while (end < text.Length && (uint)(text[end] - '0') <= 9)
        {
            end++;
        }
        if (!TryLong(text[start..end], out long value))
        {
            return DumpLine.Malformed;
        }
        string template = _section + " " + Name(text[..start]) + "%" + Name(text[end..]);
        if (Templates.TryGetValue(template, out string? counter))
        {
            Into.Counters[counter] = value;
        }
        return DumpLine.Taken;
    }
}
