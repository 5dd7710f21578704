using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Forensics.Bundles;

/// <summary>Turns a bundle's verified files into <see cref="IncidentEvidence"/>: phase folders through the dump reader, the probes, the kernel log.</summary>
public static class BundleEvidence
{
    /// <param name="files">The files (already checked against the manifest).</param>
    /// <param name="reference">When the bundle was written (its start): the year for kernel lines that carry none.</param>
    public static IncidentEvidence Read(IEnumerable<BundleFile> files, DateTime reference)
    {
        var evidence = new IncidentEvidence();
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (BundleLayout.PhaseOf(file.Name) is { } phase)
            {
                DumpReader.Read(file.Data, evidence.Phase(phase));
            }
            else if (file.Name == BundleLayout.ProbesName)
            {
                var probes = DumpReader.Read(file.Data);
                evidence.Probes.AddRange(probes.Probes);
            }
            else if (file.Name == BundleLayout.KernelName)
            {
                evidence.Kernel = KernelEvidence.Read(file.Data, reference);
            }
        }
        return evidence;
    }
}
