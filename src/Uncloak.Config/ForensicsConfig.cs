namespace Uncloak.Config;

/// <summary>
/// <c>forensics:</c> — incident bundles. When a probe's outage opens (and again when it ends) the daemon captures the
/// host's evidence into a bundle under <see cref="Directory"/> and localizes the fault; the oldest bundles beyond
/// <see cref="Keep"/> or <see cref="MaxBytes"/> are removed.
/// </summary>
public sealed record ForensicsConfig
{
    /// <summary>Where bundles are written (0700; files 0600); null: <c>incidents/</c> beside the store (<c>/var/lib/uncloak/incidents</c> for root).</summary>
    public string? Directory { get; init; }

    /// <summary>The bundles' folder for a daemon whose store is <paramref name="storePath"/>.</summary>
    public string DirectoryFor(string storePath)
        => Directory ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(storePath)) ?? "/", "incidents");

    /// <summary>Bundles kept at most.</summary>
    public int Keep { get; init; } = 50;

    /// <summary>Bytes all bundles may take together.</summary>
    public long MaxBytes { get; init; } = 200L << 20;

    /// <summary>Largest single bundle.</summary>
    public long MaxBundleBytes { get; init; } = 64L << 20;

    /// <summary>Capture when an outage opens and ends; off keeps outages as before (no bundles).</summary>
    public bool Capture { get; init; } = true;

    /// <summary>How often the daemon refreshes the baseline (counters, qdiscs, links, NIC statistics) a bundle's before/ comes from; zero: no baseline.</summary>
    public TimeSpan Baseline { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The packet ring written into each bundle as <c>packets.pcapng</c>; null: off.</summary>
    public PacketsConfig? Packets { get; init; } = new();
}
