using System.Formats.Tar;
using System.Text.Json;
using Uncloak.Core.Forensics.Bundles;
using ZstdSharp;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// An incident bundle as one file, <c>ID.tar.zst</c> (a POSIX tar of the bundle folder, zstd-compressed), for a ticket or
/// another machine; and the way back. Extraction believes nothing in the archive: only regular files whose names pass
/// <see cref="BundleLayout.CheckName"/> under one top folder are written (no links, devices, absolute or climbing paths),
/// within the bundle reader's own limits (<see cref="BundleLayout.MaxFileBytes"/> per file,
/// <see cref="BundleLayout.MaxBundleBytes"/> and <see cref="BundleLayout.MaxFiles"/> in all).
/// </summary>
public static class BundleArchive
{
    public const string Extension = ".tar.zst";

    /// <summary>True for a name ending in <c>.tar.zst</c>.</summary>
    public static bool IsArchive(string path) => path.EndsWith(Extension, StringComparison.Ordinal) && File.Exists(path);

    /// <summary>
    /// Writes the bundle folder <paramref name="bundle"/> to <paramref name="archive"/> (0600): its manifest and the files
    /// the manifest lists, under the folder's name. Throws <see cref="BundleException"/> (an <see cref="IOException"/>)
    /// when the manifest cannot be read.
    /// </summary>
    public static void Export(string bundle, string archive)
    {
        string root = Path.GetFullPath(bundle);
        string top = Path.GetFileName(root.TrimEnd('/'));
        using var file = new FileStream(archive, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var zstd = new CompressionStream(file, level: 6);
        using (var tar = new TarWriter(zstd, TarEntryFormat.Pax, leaveOpen: true))
        {
            // Only what the manifest vouches for travels (and the manifest): notes or strays beside it stay home.
            BundleManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(root, BundleLayout.ManifestName)), BundleJson.Default.BundleManifest)
                    ?? throw new BundleException($"{bundle}: {BundleLayout.ManifestName} is null");
            }
            catch (JsonException e)
            {
                throw new BundleException($"{bundle}: {BundleLayout.ManifestName} is not a bundle manifest: {e.Message}", e);
            }
            tar.WriteEntry(Path.Combine(root, BundleLayout.ManifestName), top + "/" + BundleLayout.ManifestName);
            foreach (var name in manifest.Files.Select(f => f.Name).Where(n => BundleLayout.CheckName(n) is null).Distinct().Order(StringComparer.Ordinal))
            {
                string path = Path.Combine(root, name);
                if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReparsePoint) == 0)
                {
                    tar.WriteEntry(path, top + "/" + name);
                }
            }
        }
        zstd.Flush();
    }

    /// <summary>
    /// Extracts <paramref name="archive"/> into <paramref name="destination"/> (made 0700) and returns the bundle folder.
    /// Throws <see cref="BundleException"/> for an archive that is not a bundle or breaks a limit; refused entries are
    /// listed in <paramref name="problems"/>.
    /// </summary>
    public static string Extract(string archive, string destination, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        Directory.CreateDirectory(destination);
        File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string? top = null;
        long total = 0;
        int files = 0;
        try
        {
            using var file = File.OpenRead(archive);
            using var zstd = new DecompressionStream(file);
            using var tar = new TarReader(zstd);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is TarEntryType.Directory)
                {
                    continue;
                }
                int slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
                string first = slash > 0 ? entry.Name[..slash] : "";
                string name = slash > 0 ? entry.Name[(slash + 1)..] : entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    problems.Add($"{entry.Name}: refused: not a regular file ({entry.EntryType})");
                    continue;
                }
                if (!Core.Forensics.Incidents.Incident.IsSafeId(first) || (name != BundleLayout.ManifestName && BundleLayout.CheckName(name) is not null))
                {
                    problems.Add($"{entry.Name}: refused: not a bundle file name");
                    continue;
                }
                top ??= first;
                if (first != top)
                {
                    problems.Add($"{entry.Name}: refused: outside the bundle folder {top}/");
                    continue;
                }
                if (entry.Length > BundleLayout.MaxFileBytes || total + entry.Length > BundleLayout.MaxBundleBytes || ++files > BundleLayout.MaxFiles + 1)
                {
                    throw new BundleException($"{archive}: {entry.Name} passes the bundle limits ({BundleLayout.MaxFileBytes:N0} bytes a file, {BundleLayout.MaxBundleBytes:N0} in all, {BundleLayout.MaxFiles} files)");
                }
                total += entry.Length;
                string target = Path.Combine(destination, first, name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var output = new FileStream(target, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                entry.DataStream?.CopyTo(output);
            }
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or IOException and not BundleException or FormatException)
        {
            throw new BundleException($"{archive}: not a readable .tar.zst bundle: {e.Message}", e);
        }
        return top is null ? throw new BundleException($"{archive}: holds no bundle") : Path.Combine(destination, top);
    }
}
