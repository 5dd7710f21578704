using Uncloak.Core.Events;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// <c>host</c>: the kernel dropped traffic for want of a resource: conntrack table full, neighbour table full, TCP memory
/// pressure, too many orphans, SYNs dropped with the SYN queue full and no cookies to fall back on.
/// </summary>
public sealed class HostRule : LayerRule
{
    public override Layer Layer => Layer.Host;

    protected override void Apply(IncidentEvidence e, LayerFinding f)
    {
        var kernel = e.Kernel;
        if (kernel?.Count(EventKind.ConntrackFull) is > 0 and var conntrack)
        {
            f.Support(0.7, "kernel", $"{conntrack} × \"{kernel.FirstLines[EventKind.ConntrackFull]}\"",
                "The connection tracking table was full: the kernel dropped every packet of a NEW connection, whatever the service or the network did.");
        }
        if (kernel?.Count(EventKind.NeighbourOverflow) is > 0 and var neigh)
        {
            f.Support(0.5, "kernel", $"{neigh} × \"{kernel.FirstLines[EventKind.NeighbourOverflow]}\"",
                "This host's neighbour (ARP/NDP) table was full: the kernel refused new entries, so packets to on-link hosts it had none for were dropped — the host's table size, not the LAN.");
        }
        if (kernel?.Count(EventKind.TcpOutOfMemory) is > 0 and var oom)
        {
            f.Support(0.5, "kernel", $"{oom} × \"{kernel.FirstLines[EventKind.TcpOutOfMemory]}\"",
                "TCP ran out of memory (tcp_mem): the kernel dropped and reset connections.");
        }
        if (kernel?.Count(EventKind.TooManyOrphans) is > 0 and var orphans)
        {
            f.Support(0.4, "kernel", $"{orphans} × \"{kernel.FirstLines[EventKind.TooManyOrphans]}\"",
                "Too many orphaned sockets: the kernel reset connections instead of closing them.");
        }
        if (e.Growth("TcpExt.TCPMemoryPressures") is { Value: > 0, Delta: true } pressure)
        {
            f.Support(0.3, "counter", $"TcpExt.TCPMemoryPressures {GrowthText(pressure.Value, true)}",
                "TCP entered memory pressure during the outage: buffers were trimmed and packets dropped.");
        }
        if (e.Growth("TcpExt.TCPAbortOnMemory") is { Value: > 0, Delta: true } aborts)
        {
            f.Support(0.3, "counter", $"TcpExt.TCPAbortOnMemory {GrowthText(aborts.Value, true)}",
                "Connections were aborted for want of memory.");
        }
        var reqFull = e.Growth("TcpExt.TCPReqQFullDrop");
        var cookies = e.Growth("TcpExt.SyncookiesSent");
        if (reqFull is { Value: > 0 } drops && cookies is not { Value: > 0 })
        {
            f.Support(drops.Delta ? 0.6 : 0.2, "counter", $"TcpExt.TCPReqQFullDrop {GrowthText(drops.Value, drops.Delta)}, no SYN cookies sent",
                "SYNs were dropped because the SYN queue was full and SYN cookies were not used (tcp_syncookies=0, or the limit was hit): clients could not even start a handshake.");
        }
        if (kernel?.Count(EventKind.SynFlood) is > 0 and var synFlood && kernel.FirstLines[EventKind.SynFlood].Contains("Dropping", StringComparison.Ordinal))
        {
            f.Support(0.4, "kernel", $"{synFlood} × \"{kernel.FirstLines[EventKind.SynFlood]}\"",
                "The kernel reports dropping SYNs on a listener (no cookies): the SYN queue overflowed.");
        }
    }
}
