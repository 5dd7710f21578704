using System.Security.Cryptography;
using System.Text.Json;
using Uncloak.Core.Forensics.Bundles;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// Writes an incident bundle directory: each file 0600 (bundles hold addresses), then <c>manifest.json</c> with every
/// file's SHA-256 and size, written last so a bundle cut short by a crash has no manifest and is not mistaken for a whole one.
/// </summary>
public static class BundleWriter
{
    public static BundleManifest Write(string directory, BundleManifest manifest, IEnumerable<BundleFile> files)
    {
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var entries = new List<BundleFileEntry>();
        foreach (var file in files)
        {
            if (BundleLayout.CheckName(file.Name) is { } problem)
            {
                throw new ArgumentException($"bundle file name '{file.Name}': {problem}", nameof(files));
            }
            string path = Path.Combine(directory, file.Name);
            if (Path.GetDirectoryName(path) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }
            WritePrivate(path, file.Data);
            entries.Add(new BundleFileEntry(file.Name, Convert.ToHexStringLower(SHA256.HashData(file.Data)), file.Data.Length));
        }
        var written = manifest with { Files = entries };
        WritePrivate(Path.Combine(directory, BundleLayout.ManifestName), JsonSerializer.SerializeToUtf8Bytes(written, BundleJson.Default.BundleManifest));
        return written;
    }

    private static void WritePrivate(string path, byte[] data)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        stream.Write(data);
    }
}
