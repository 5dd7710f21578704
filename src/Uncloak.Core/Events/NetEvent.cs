namespace Uncloak.Core.Events;

/// <summary>
/// One thing that happened on the network, from any source: a kernel log line, a socket-table
/// finding, a counter alarm or a probe. Small, copyable and allocation-free to build; strings it
/// holds (interface, driver, prefix, host) are interned by their producers.
/// </summary>
/// <remarks>
/// Family fields, by kind:
/// <list type="bullet">
/// <item>Treason: <see cref="Peer"/>:<see cref="PeerPort"/> is the remote end, <see cref="LocalPort"/> ours,
/// <see cref="SeqFrom"/>:<see cref="SeqTo"/> are snd_una:snd_nxt, <see cref="Millis"/> recv-ago and
/// <see cref="Millis2"/> lasting (≥6.6 form only), <see cref="Form"/> a <see cref="TreasonForm"/>.</item>
/// <item>SynFlood: <see cref="Local"/>:<see cref="LocalPort"/> the listener, <see cref="Form"/> a <see cref="SynFloodAction"/>.</item>
/// <item>DropOpenRequest: <see cref="Peer"/>:<see cref="PeerPort"/> the client.</item>
/// <item>ConntrackFull: <see cref="Count"/> the netns inode when printed, or the OpenVZ container id (form openvz).</item>
/// <item>NicLink: <see cref="Interface"/>, <see cref="Driver"/>, <see cref="Form"/> a <see cref="LinkState"/>,
/// <see cref="SpeedMbps"/>, <see cref="Duplex"/>, <see cref="FlowControl"/>.</item>
/// <item>NetdevWatchdog: <see cref="Interface"/>, <see cref="Driver"/>, <see cref="Queue"/>, <see cref="Millis"/> timed out.</item>
/// <item>FirewallLog: <see cref="Peer"/>:<see cref="PeerPort"/> = SRC:SPT, <see cref="Local"/>:<see cref="LocalPort"/> = DST:DPT,
/// <see cref="Interface"/> = IN, <see cref="Protocol"/>, <see cref="TcpFlags"/>, <see cref="Length"/>, <see cref="Prefix"/>.</item>
/// <item>Martian: <see cref="Peer"/> the packet's source, <see cref="Local"/> its destination, <see cref="Interface"/>.</item>
/// <item>RateLimitSuppressed: <see cref="Count"/> messages suppressed.</item>
/// <item>ZeroWindowHold, SlowRead, SynRecvFlood, AcceptQueueFull: see the finding types in Uncloak.Core.Signals
/// (<c>ZeroWindowHold</c>, <c>SlowRead</c>, <c>SynRecvFlood</c>, <c>AcceptQueueExhaustion</c>), which say what each field holds.</item>
/// <item>CounterAlarm: <see cref="Prefix"/> the counter's name, <see cref="Count"/> its growth (gauges: value), <see cref="Millis"/> the interval.</item>
/// </list>
/// </remarks>
public readonly struct NetEvent
{
    /// <summary>Wall-clock time in UTC; <c>default</c> when the source carries only uptime.</summary>
    public DateTime Time { get; init; }

    /// <summary>Kernel monotonic time in microseconds since boot, or -1 when unknown.</summary>
    public long UptimeMicros { get; init; }

    public EventKind Kind { get; init; }

    /// <summary>The family's own variant (see the remarks).</summary>
    public byte Form { get; init; }

    public NetAddress Peer { get; init; }

    public ushort PeerPort { get; init; }

    /// <summary>
    /// When <see cref="Peer"/> stands for a range rather than one address (a spoofed SYN flood's sources seen on the
    /// wire), the range's prefix length; 0 when <see cref="Peer"/> is one address or the length is not known.
    /// </summary>
    public byte PeerPrefixLength { get; init; }

    public NetAddress Local { get; init; }

    public ushort LocalPort { get; init; }

    public uint SeqFrom { get; init; }

    public uint SeqTo { get; init; }

    public int Millis { get; init; }

    public int Millis2 { get; init; }

    public int SpeedMbps { get; init; }

    public int Queue { get; init; }

    public int Length { get; init; }

    public long Count { get; init; }

    public Duplex Duplex { get; init; }

    public FlowControl FlowControl { get; init; }

    /// <summary>IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6), 0 when not known.</summary>
    public byte Protocol { get; init; }

    public TcpFlags TcpFlags { get; init; }

    public string? Interface { get; init; }

    public string? Driver { get; init; }

    /// <summary>The firewall rule's log prefix, trimmed.</summary>
    public string? Prefix { get; init; }

    public string? Host { get; init; }

    public SourcePosition Position { get; init; }

    /// <summary>Bytes sent but not acknowledged: (snd_nxt − snd_una) mod 2³².</summary>
    public uint BytesInFlight => unchecked(SeqTo - SeqFrom);

    /// <summary>True when the wall-clock <see cref="Time"/> is known.</summary>
    public bool HasTime => Time != default;
}
