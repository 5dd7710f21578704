namespace Uncloak.Core.Forensics.Bundles;

/// <summary>
/// An incident bundle's <c>manifest.json</c>: what the bundle is (schema, id, host, kernel, when the outage started and
/// ended, which probe opened it) and every file in it with its SHA-256 and size, so a copy on another machine can be
/// checked before it is believed.
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The schema this reader understands.</summary>
    public const string CurrentSchema = "uncloak.bundle/1";

    public string Schema { get; init; } = CurrentSchema;

    public string Id { get; init; } = "";

    public string Host { get; init; } = "";

    /// <summary>The kernel release (<c>uname -r</c>).</summary>
    public string Kernel { get; init; } = "";

    public DateTime Start { get; init; }

    /// <summary>When the outage closed; null while it was open (a capture on demand, or at the outage's start).</summary>
    public DateTime? End { get; init; }

    /// <summary>The probe whose failure opened the outage ("" for a capture on demand).</summary>
    public string Probe { get; init; } = "";

    public IReadOnlyList<BundleFileEntry> Files { get; init; } = [];
}
