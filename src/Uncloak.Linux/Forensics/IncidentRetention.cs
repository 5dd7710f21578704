using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// Keeps the incidents folder within its limits: at most <c>keep</c> bundles and <c>max_bytes</c> in all, the oldest
/// removed first (bundle ids begin with their start time, so name order is age order). Only folders whose names are
/// incident ids are touched; anything else in the folder is left alone.
/// </summary>
public static class IncidentRetention
{
    /// <summary>Removes the oldest bundles beyond the limits and returns the ids removed (the store's rows go with them).</summary>
    public static IReadOnlyList<string> Prune(string directory, int keep, long maxBytes, string? spare = null)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var bundles = new DirectoryInfo(directory).EnumerateDirectories()
            .Where(d => Incident.IsSafeId(d.Name) && (d.Attributes & FileAttributes.ReparsePoint) == 0 && File.Exists(Path.Combine(d.FullName, BundleLayout.ManifestName)))
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => (Dir: d, Bytes: Size(d)))
            .ToList();
        long total = bundles.Sum(b => b.Bytes);
        int count = bundles.Count;
        var removed = new List<string>();
        foreach (var (dir, bytes) in bundles)
        {
            if (count <= keep && total <= maxBytes)
            {
                break;
            }
            if (dir.Name == spare)
            {
                continue; // the bundle being written now is never its own victim
            }
            dir.Delete(recursive: true);
            removed.Add(dir.Name);
            count--;
            total -= bytes;
        }
        return removed;
    }

    /// <summary>Bytes of a bundle's regular files (links are not followed).</summary>
    public static long Size(DirectoryInfo bundle)
        => bundle.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Sum(f => f.Length);
}
