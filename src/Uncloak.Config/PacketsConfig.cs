namespace Uncloak.Config;

/// <summary>
/// <c>forensics: packets:</c> — the packet ring of the incident bundles: while the daemon runs it keeps the last
/// <see cref="Window"/> of TCP headers on the service ports (an AF_PACKET ring, <see cref="SnapLength"/> bytes of each
/// packet), bounded by <see cref="MaxBytes"/> and <see cref="MaxPackets"/>, and writes them into each bundle as
/// <c>packets.pcapng</c>. <c>packets: off</c> (or <c>enabled: false</c>) captures nothing.
/// </summary>
public sealed record PacketsConfig
{
    /// <summary>The most ports a list may name: the kernel filter compares each one twice and its jumps reach 255 instructions.</summary>
    public const int MaxPorts = 64;

    /// <summary>How far back the ring reaches.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Captured bytes held at most (allocated at start).</summary>
    public long MaxBytes { get; init; } = 4L << 20;

    /// <summary>Packets held at most.</summary>
    public int MaxPackets { get; init; } = 50_000;

    /// <summary>Bytes kept of each packet from its IP header: headers only.</summary>
    public int SnapLength { get; init; } = 128;

    /// <summary>Interface name, or <c>any</c>.</summary>
    public string Interface { get; init; } = "any";

    /// <summary>Which packets: TCP to or from the service ports (those the probes check), all TCP, or the <see cref="PortList"/>.</summary>
    public PacketPorts Ports { get; init; } = PacketPorts.Service;

    /// <summary>The ports of <see cref="PacketPorts.List"/>.</summary>
    public IReadOnlyList<int> PortList { get; init; } = [];

    /// <summary>The ring's bounds.</summary>
    public Core.Wire.PacketHistoryLimits ToLimits() => new()
    {
        Window = Window,
        MaxBytes = (int)Math.Min(MaxBytes, int.MaxValue),
        MaxPackets = MaxPackets,
        SnapLength = SnapLength,
    };

    /// <summary>
    /// The ports kept given the service ports <paramref name="servicePorts"/>: null for all TCP; empty when the ring keeps
    /// the service ports and there are none (then it captures nothing).
    /// </summary>
    public IReadOnlyList<int>? PortsFor(IReadOnlyList<int> servicePorts) => Ports switch
    {
        PacketPorts.All => null,
        PacketPorts.List => PortList,
        _ => servicePorts,
    };

    /// <summary>
    /// The ports the probes of <paramref name="probes"/> serve: the port of each HTTP(S) URL and TCP target, and each
    /// vantage <c>self</c> address; empty when no probe names one (then the ring captures nothing).
    /// </summary>
    public static IReadOnlyList<int> ServicePorts(IEnumerable<ProbeConfig> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var ports = new SortedSet<int>();
        foreach (var p in probes.Where(p => p.Of is null))
        {
            if (p.Http is { } url)
            {
                ports.Add(url.Port);
            }
            if (p.Tcp is { } tcp && tcp.LastIndexOf(':') is int colon and > 0
                && int.TryParse(tcp.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
                && port is > 0 and < 65536)
            {
                ports.Add(port);
            }
            if (p.Vantage?.Self is { } self && self.Port > 0)
            {
                ports.Add(self.Port);
            }
        }
        return [.. ports.Take(MaxPorts)];
    }
}

/// <summary>Which TCP packets the packet ring keeps.</summary>
public enum PacketPorts
{
    /// <summary>To or from the ports the probes check (the shipped default: the service, not the whole host).</summary>
    Service,

    /// <summary>Every TCP packet.</summary>
    All,

    /// <summary>To or from the listed ports.</summary>
    List,
}
