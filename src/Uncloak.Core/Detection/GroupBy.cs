namespace Uncloak.Core.Detection;

/// <summary>What a scenario's buckets are keyed by.</summary>
public enum GroupBy : byte
{
    /// <summary>The peer address: one bucket per remote host.</summary>
    Peer,

    /// <summary>The peer's network (/<c>v4_prefix</c> or /<c>v6_prefix</c>): catches one actor spread over many addresses.</summary>
    Network,

    /// <summary>Our local port: a service under pressure from many peers.</summary>
    LocalPort,

    /// <summary>One bucket for the whole host (events that name no peer: SYN floods, full conntrack).</summary>
    Host,
}
