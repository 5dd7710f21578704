namespace Uncloak.Core.Wire;

/// <summary>
/// Limits and thresholds of the TCP flow tracker. The defaults suit a server's uplink; the watch config's
/// <c>capture:</c> section overrides them.
/// </summary>
public sealed record WireOptions
{
    /// <summary>Flows tracked at once; beyond this the stalest flow is evicted (counted). Memory is about 200 bytes a flow.</summary>
    public int MaxFlows { get; init; } = 262_144;

    /// <summary>A flow with no packet for this long is forgotten (capture time).</summary>
    public TimeSpan FlowIdle { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A zero window held at least this long is reported.</summary>
    public TimeSpan ZeroWindowHold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A receive window below this many bytes is "tiny".</summary>
    public int TinyWindowBytes { get; init; } = 2048;

    /// <summary>A receiver whose window stays tiny (but opens now and then) this long, with data waiting, is a slow reader.</summary>
    public TimeSpan SlowRead { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The window over which SYNs, resets, retransmissions and odd packets are counted per peer or destination.</summary>
    public TimeSpan CountWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>SYNs to one destination address and port in one count window that make a flood.</summary>
    public int SynFloodSyns { get; init; } = 200;

    /// <summary>Resets from one address in one count window that make a storm.</summary>
    public int RstStormResets { get; init; } = 200;

    /// <summary>Retransmitted data segments towards one address in one count window that make a storm.</summary>
    public int RetransmitStormSegments { get; init; } = 200;

    /// <summary>
    /// ICMP messages (not echo replies or neighbour discovery) from one source, or to one destination, in one count window
    /// that make a flood.
    /// </summary>
    public int IcmpFloodPackets { get; init; } = 1000;

    /// <summary>Distinct keys (destinations, peers) each count table holds per window; beyond it they are counted as overflow.</summary>
    public int MaxCountKeys { get; init; } = 16_384;

    /// <summary>Validation errors, all at once (empty when valid).</summary>
    public IReadOnlyList<string> Errors()
    {
        var errors = new List<string>();
        if (MaxFlows is < 16 or > 16_777_216)
        {
            errors.Add("max_flows must be between 16 and 16777216");
        }
        if (MaxCountKeys is < 16 or > 1_048_576)
        {
            errors.Add("max_count_keys must be between 16 and 1048576");
        }
        if (FlowIdle <= TimeSpan.Zero || SlowRead <= TimeSpan.Zero || CountWindow <= TimeSpan.Zero)
        {
            errors.Add("durations must be positive");
        }
        if (ZeroWindowHold < TimeSpan.Zero)
        {
            errors.Add("zero_window_hold must not be negative (0s reports every zero window, as tshark flags them)");
        }
        if (TinyWindowBytes < 1 || SynFloodSyns < 1 || RstStormResets < 1 || RetransmitStormSegments < 1 || IcmpFloodPackets < 1)
        {
            errors.Add("thresholds must be at least 1");
        }
        return errors;
    }
}
