namespace Uncloak.Core.Forensics.Dumps;

/// <summary>The text dumps admins post and attach to tickets, and the files of an incident bundle (which uses the same formats).</summary>
public enum DumpKind : byte
{
    /// <summary><c>ss -tinoe</c>, <c>ss -tiepm</c> (any mix of -t -i -n -o -e -p -m): a socket line, then a tab-indented tcp_info line.</summary>
    Ss = 1,

    /// <summary><c>nstat -az</c> (or <c>nstat -a</c>): <c>#kernel</c>, then <c>NAME VALUE RATE</c> lines.</summary>
    Nstat = 2,

    /// <summary><c>netstat -s</c> (net-tools): <c>Tcp:</c> sections with indented sentences.</summary>
    NetstatStatistics = 3,

    /// <summary><c>ethtool -S IF</c>: <c>NIC statistics:</c>, then <c>name: value</c> lines in the driver's own names.</summary>
    EthtoolStatistics = 4,

    /// <summary><c>tc -s qdisc</c>: a <c>qdisc KIND HANDLE: …</c> line, then <c>Sent … (dropped …)</c> and <c>backlog …</c>.</summary>
    TcQdisc = 5,

    /// <summary><c>ip -s link</c> / <c>ip -s -s link</c>: an interface line, then RX/TX header and value lines.</summary>
    IpLink = 6,

    /// <summary><c>ip neigh</c>: one neighbour per line, its NUD state last.</summary>
    IpNeighbour = 7,

    /// <summary>An incident bundle's vantage probe results (<c># uncloak probes</c>, one probe per line).</summary>
    Probes = 8,
}
