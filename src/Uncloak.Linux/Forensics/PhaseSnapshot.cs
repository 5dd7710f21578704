using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;

namespace Uncloak.Linux.Forensics;

/// <summary>One phase of an incident as captured: its files (named <c>phase/file</c>), when, and what could not be read and why.</summary>
public sealed record PhaseSnapshot(EvidencePhase Phase, DateTime Time, IReadOnlyList<BundleFile> Files, IReadOnlyList<string> Problems)
{
    /// <summary>The same files under another phase's folder (the daemon's last baseline becomes a bundle's <c>before/</c>).</summary>
    public PhaseSnapshot As(EvidencePhase phase)
    {
        string folder = BundleLayout.Folder(phase) + "/";
        return this with
        {
            Phase = phase,
            Files = [.. Files.Select(f => f with { Name = folder + f.Name[(f.Name.IndexOf('/', StringComparison.Ordinal) + 1)..] })],
        };
    }
}
