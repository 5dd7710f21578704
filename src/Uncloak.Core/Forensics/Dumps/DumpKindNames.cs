namespace Uncloak.Core.Forensics.Dumps;

/// <summary>The short names of <see cref="DumpKind"/> used in JSON and on the terminal.</summary>
public static class DumpKindNames
{
    public static string Name(this DumpKind kind) => kind switch
    {
        DumpKind.Ss => "ss",
        DumpKind.Nstat => "nstat",
        DumpKind.NetstatStatistics => "netstat",
        DumpKind.EthtoolStatistics => "ethtool",
        DumpKind.TcQdisc => "tc",
        DumpKind.IpLink => "iplink",
        DumpKind.IpNeighbour => "neigh",
        DumpKind.Probes => "probes",
        _ => "?",
    };

    /// <summary>The command whose output the kind is, for messages ("ss -tinoe output").</summary>
    public static string Command(this DumpKind kind) => kind switch
    {
        DumpKind.Ss => "ss -tinoe",
        DumpKind.Nstat => "nstat -az",
        DumpKind.NetstatStatistics => "netstat -s",
        DumpKind.EthtoolStatistics => "ethtool -S",
        DumpKind.TcQdisc => "tc -s qdisc",
        DumpKind.IpLink => "ip -s link",
        DumpKind.IpNeighbour => "ip neigh",
        DumpKind.Probes => "uncloak probes",
        _ => "?",
    };
}
