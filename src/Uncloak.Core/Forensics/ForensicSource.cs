using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Core.Forensics;

/// <summary>
/// One verdict and what it was read from: a bundle (with its manifest) or one or more text dumps read as one moment.
/// The model the terminal and JSON renderers take.
/// </summary>
/// <param name="Inputs">The files or bundle directory read.</param>
/// <param name="Manifest">The bundle's manifest; null for dumps.</param>
/// <param name="Kinds">The kinds of dump recognised.</param>
/// <param name="Lines">Lines read from the dumps.</param>
/// <param name="Malformed">Lines inside dumps that did not parse.</param>
/// <param name="Problems">Files refused or unreadable, with why.</param>
/// <param name="Verdict">The localization.</param>
public sealed record ForensicSource(IReadOnlyList<string> Inputs, BundleManifest? Manifest, IReadOnlyList<DumpKind> Kinds, long Lines, long Malformed,
    IReadOnlyList<string> Problems, Verdict Verdict)
{
    /// <summary>The bundle's packet ring read through the wire analysis; null when it has none (or for dumps).</summary>
    public BundlePackets? Packets { get; init; }

    /// <summary>Summarises <paramref name="evidence"/> into a source: the kinds and line counts over every phase.</summary>
    public static ForensicSource Of(IReadOnlyList<string> inputs, BundleManifest? manifest, IncidentEvidence evidence, IReadOnlyList<string> problems)
    {
        var phases = evidence.Phases.Values.ToList();
        var kinds = phases.SelectMany(p => p.Kinds).Distinct().ToList();
        if (evidence.Probes.Count > 0 && !kinds.Contains(DumpKind.Probes))
        {
            kinds.Add(DumpKind.Probes);
        }
        return new ForensicSource(inputs, manifest, kinds, phases.Sum(p => p.Lines), phases.Sum(p => p.Malformed), problems, Localizer.Localize(evidence));
    }

    /// <summary>A bundle's source: its evidence localized, and its <c>packets.pcapng</c> (if any) through the wire analysis.</summary>
    public static ForensicSource OfBundle(string input, BundleManifest manifest, IReadOnlyList<BundleFile> files, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var evidence = BundleEvidence.Read(files, manifest.Start);
        return Of([input], manifest, evidence, problems) with { Packets = BundlePackets.Read(files) };
    }
}
