namespace Uncloak.Core.Audit;

/// <summary>
/// Whether this kernel can print net_dbg_ratelimited() messages such as the zero-window ("treason") one:
/// the dynamic-debug control file exists (CONFIG_DYNAMIC_DEBUG=y) and which net/ipv4/tcp_timer.c call sites it lists.
/// </summary>
public sealed record DynamicDebugState(string? ControlPath, IReadOnlyList<DynamicDebugSite> TcpTimerSites)
{
    public static DynamicDebugState Absent { get; } = new(null, []);

    /// <summary>CONFIG_DYNAMIC_DEBUG from the kernel's own config (/proc/config.gz or /boot/config-RELEASE); null when neither is readable.</summary>
    public bool? Built { get; init; }

    /// <summary>Where <see cref="Built"/> was read.</summary>
    public string? ConfigSource { get; init; }

    public bool Available => ControlPath is not null;
}
