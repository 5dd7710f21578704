using System.Security.Cryptography;
using System.Text.Json;
using Uncloak.Core.Forensics.Bundles;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// Reads an incident bundle directory and believes only what the manifest vouches for. A name that is absolute, climbs
/// out (<c>..</c>) or goes through a symbolic link, a file over <see cref="BundleLayout.MaxFileBytes"/>, a size or SHA-256
/// that differs from the manifest, a missing file: each is refused and listed in <see cref="Bundle.Problems"/>, and the
/// rest is still read. A missing or unreadable manifest makes the whole bundle unreadable (<see cref="BundleException"/>).
/// </summary>
public static class BundleReader
{
    public static bool IsBundle(string path) => Directory.Exists(path) && File.Exists(System.IO.Path.Combine(path, BundleLayout.ManifestName));

    public static Bundle Read(string directory)
    {
        string root = System.IO.Path.GetFullPath(directory);
        string manifestPath = System.IO.Path.Combine(root, BundleLayout.ManifestName);
        BundleManifest manifest;
        try
        {
            var info = new FileInfo(manifestPath);
            if (!info.Exists)
            {
                throw new BundleException($"{directory}: no {BundleLayout.ManifestName}; not an incident bundle");
            }
            if (info.Length > BundleLayout.MaxManifestBytes)
            {
                throw new BundleException($"{directory}: {BundleLayout.ManifestName} is {info.Length:N0} bytes, over the {BundleLayout.MaxManifestBytes:N0}-byte limit");
            }
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(manifestPath), BundleJson.Default.BundleManifest)
                ?? throw new BundleException($"{directory}: {BundleLayout.ManifestName} is null");
        }
        catch (JsonException e)
        {
            throw new BundleException($"{directory}: {BundleLayout.ManifestName} is not a bundle manifest: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException and not BundleException or UnauthorizedAccessException)
        {
            throw new BundleException($"{directory}: cannot read {BundleLayout.ManifestName}: {e.Message}", e);
        }
        if (manifest.Schema != BundleManifest.CurrentSchema)
        {
            throw new BundleException($"{directory}: schema '{manifest.Schema}' is not {BundleManifest.CurrentSchema}");
        }
        var problems = new List<string>();
        var files = new List<BundleFile>();
        long total = 0;
        if (manifest.Files.Count > BundleLayout.MaxFiles)
        {
            problems.Add($"{manifest.Files.Count} files listed; only the first {BundleLayout.MaxFiles} are read");
        }
        foreach (var entry in manifest.Files.Take(BundleLayout.MaxFiles))
        {
            if (ReadOne(root, entry, ref total, out string? problem) is { } file)
            {
                files.Add(file);
            }
            else
            {
                problems.Add($"{entry.Name}: {problem}");
            }
        }
        return new Bundle(root, manifest, files, problems);
    }

    private static BundleFile? ReadOne(string root, BundleFileEntry entry, ref long total, out string? problem)
    {
        problem = BundleLayout.CheckName(entry.Name);
        if (problem is not null)
        {
            return null;
        }
        string path = System.IO.Path.Combine(root, entry.Name);
        // CheckName keeps the name inside; a symbolic link on the way could still lead out, so none is followed.
        if (!System.IO.Path.GetFullPath(path).StartsWith(root + "/", StringComparison.Ordinal) || HasLink(root, entry.Name))
        {
            problem = "refused: a symbolic link or a path outside the bundle";
            return null;
        }
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            problem = "listed in the manifest but missing";
            return null;
        }
        if (info.Length > BundleLayout.MaxFileBytes || entry.Bytes > BundleLayout.MaxFileBytes)
        {
            problem = $"refused: {info.Length:N0} bytes, over the {BundleLayout.MaxFileBytes:N0}-byte limit per file";
            return null;
        }
        if (total + info.Length > BundleLayout.MaxBundleBytes)
        {
            problem = $"refused: the bundle passes {BundleLayout.MaxBundleBytes:N0} bytes with it";
            return null;
        }
        if (info.Length != entry.Bytes)
        {
            problem = $"size {info.Length:N0} differs from the manifest's {entry.Bytes:N0}";
            return null;
        }
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = "cannot read: " + e.Message;
            return null;
        }
        string sha = Convert.ToHexStringLower(SHA256.HashData(data));
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"SHA-256 {sha} differs from the manifest's {entry.Sha256}: changed since the bundle was written";
            return null;
        }
        total += data.Length;
        return new BundleFile(entry.Name, data);
    }

    private static bool HasLink(string root, string name)
    {
        string current = root;
        foreach (var segment in name.Split('/'))
        {
            current = System.IO.Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                if ((File.GetAttributes(current) & FileAttributes.ReparsePoint) != 0)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
