namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// One qdisc and its statistics as <c>tc -s qdisc</c> prints them (<c>gnet_stats_basic</c> + <c>gnet_stats_queue</c>):
/// what it sent, what it dropped, how often it was over its limit, and what is queued now.
/// </summary>
public sealed class QdiscStats
{
    /// <summary>The interface (<c>dev eth0</c>; from the command line when tc was run with <c>dev IF</c>); "" when unknown.</summary>
    public string Device { get; internal set; } = "";

    /// <summary>The qdisc's kind: <c>fq_codel</c>, <c>tbf</c>, <c>htb</c>, <c>mq</c>, <c>pfifo_fast</c>, <c>noqueue</c>…</summary>
    public string Kind { get; internal set; } = "";

    /// <summary>The handle as printed (<c>0:</c>, <c>8001:</c>).</summary>
    public string Handle { get; internal set; } = "";

    /// <summary><c>root</c>, the parent class id, <c>ingress</c>, or "".</summary>
    public string Parent { get; internal set; } = "";

    /// <summary>The options after the parent, verbatim (<c>rate 1Mbit burst 1600b lat 50.0ms</c>).</summary>
    public string Options { get; internal set; } = "";

    public long SentBytes { get; internal set; }

    public long SentPackets { get; internal set; }

    /// <summary>Packets the qdisc dropped (its limit reached, or its AQM decided).</summary>
    public long Drops { get; internal set; }

    /// <summary>Times a packet was held back because the qdisc was over its rate (shapers) or limit.</summary>
    public long Overlimits { get; internal set; }

    /// <summary>Packets handed back by the driver (its ring full) and queued again.</summary>
    public long Requeues { get; internal set; }

    /// <summary>Bytes queued at the moment of the dump.</summary>
    public long BacklogBytes { get; internal set; }

    /// <summary>Packets queued at the moment of the dump.</summary>
    public long BacklogPackets { get; internal set; }

    /// <summary>True once a <c>Sent …</c> line was read (tc was run with -s).</summary>
    public bool HasStatistics { get; internal set; }

    /// <summary>The key that pairs the same qdisc across two dumps: device, handle and parent.</summary>
    public string Key => Device + " " + Handle + " " + Parent;
}
