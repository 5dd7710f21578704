using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Core.Forensics.Incidents;

/// <summary>
/// One captured incident as the store keeps it: its id (also its bundle's folder name), the outage and probe that
/// opened it (none for a capture on demand), when it started and ended, the localization verdict in short (first layer,
/// confidence, every layer that scored, the summary) and where its bundle lies.
/// </summary>
public sealed record Incident
{
    public required string Id { get; init; }

    /// <summary>The outage row that opened it; null for <c>uncloak capture</c>.</summary>
    public long? OutageId { get; init; }

    /// <summary>The probe whose failure opened it; "" on demand.</summary>
    public string Probe { get; init; } = "";

    public DateTime Start { get; init; }

    /// <summary>When the outage ended (the "after" snapshot was added); null while open or for a capture on demand.</summary>
    public DateTime? End { get; init; }

    public Layer Layer { get; init; } = Layer.Unknown;

    public double Confidence { get; init; }

    public IReadOnlyList<LayerScore> Layers { get; init; } = [];

    public string Summary { get; init; } = "";

    /// <summary>The bundle directory.</summary>
    public string Bundle { get; init; } = "";

    /// <summary>The incident with <paramref name="verdict"/>'s layer, confidence, ranks and summary.</summary>
    public Incident With(Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        return this with { Layer = verdict.Layer, Confidence = verdict.Confidence, Layers = verdict.Layers, Summary = verdict.Summary };
    }

    /// <summary>
    /// A bundle folder name from a start time and a probe: <c>20261203T170001Z-site</c>, only <c>[A-Za-z0-9._-]</c>
    /// (a probe name with other characters has them replaced), so the id is safe as a path segment and in a URL.
    /// </summary>
    public static string NewId(DateTime start, string probe)
    {
        var safe = new string([.. (probe.Length == 0 ? "capture" : probe).Take(48).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')]);
        return start.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "-" + safe.TrimStart('.');
    }

    /// <summary>True when <paramref name="id"/> could have come from <see cref="NewId"/>: safe to join to the incidents folder.</summary>
    public static bool IsSafeId(string id)
        => id.Length is > 0 and <= 80 && id[0] != '.' && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
