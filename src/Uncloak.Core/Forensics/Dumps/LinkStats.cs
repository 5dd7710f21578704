namespace Uncloak.Core.Forensics.Dumps;

/// <summary>One interface as <c>ip -s link</c> (or <c>ip -s -s link</c>) prints it: flags, state and the kernel's link counters.</summary>
public sealed class LinkStats
{
    public int Index { get; internal set; }

    /// <summary>The interface name without the <c>@peer</c> suffix of veths and VLANs.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>The flags between the angle brackets: UP, LOWER_UP, NO-CARRIER, BROADCAST…</summary>
    public IReadOnlyList<string> Flags { get; internal set; } = [];

    /// <summary>The operational state after <c>state</c> (UP, DOWN, UNKNOWN, LOWERLAYERDOWN, DORMANT); "" when absent.</summary>
    public string OperState { get; internal set; } = "";

    /// <summary>Administratively up (the UP flag).</summary>
    public bool AdminUp => Flags.Contains("UP");

    /// <summary>The link has carrier: LOWER_UP and not NO-CARRIER. A link that is UP without LOWER_UP has no cable, no peer, or a hung NIC.</summary>
    public bool Carrier => Flags.Contains("LOWER_UP") && !Flags.Contains("NO-CARRIER");

    /// <summary>
    /// The counters by <c>rx_</c>/<c>tx_</c> + the column's header word: rx_bytes, rx_packets, rx_errors, rx_dropped, rx_missed
    /// (rx_overrun before iproute2 5.10), rx_mcast, rx_crc, rx_frame, rx_fifo, tx_carrier, tx_collsns, tx_aborted, tx_transns
    /// (carrier transitions)…
    /// </summary>
    public IReadOnlyDictionary<string, long> Counters => _counters;

    internal readonly Dictionary<string, long> _counters = new(StringComparer.Ordinal);

    public long? Counter(string name) => _counters.TryGetValue(name, out long v) ? v : null;
}
