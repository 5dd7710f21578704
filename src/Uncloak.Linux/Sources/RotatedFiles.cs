using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sources;

/// <summary>
/// Where a followed log went while the daemon was stopped. logrotate renames the file within its directory: to
/// <c>PATH.1</c>, to <c>PATH-20261203</c> with <c>dateext</c>, and on the next run shifts <c>.1</c> to <c>.2</c>; with
/// <c>compress</c> a rotated file becomes <c>PATH.1.gz</c> at once, with <c>delaycompress</c> one rotation later
/// (<c>PATH.2.gz</c>): a new file with a new inode. The old file is found by its device:inode among the rotated names,
/// or, once compressed, by the fingerprint of its first bytes (<see cref="LogChunks.Fingerprint"/>) in a gzip file at
/// least as long as the offset read; files rotated after it were never read at all and come next, oldest first (issue 17,
/// item 7: only <c>PATH.1</c> was looked at, so a dateext rename or a two-step shift lost whole files).
/// </summary>
internal static class RotatedFiles
{
    /// <summary>A rotated file to read: plain, or gzip-compressed (read through <see cref="GzipLogChunks"/>).</summary>
    internal sealed record Rotated(string Path, bool Gzip);

    /// <summary>What became of the file a cursor points into.</summary>
    internal sealed record Trail(Rotated? Old, IReadOnlyList<Rotated> Newer, IReadOnlyList<string> Unreadable);

    private static readonly Trail Lost = new(null, [], []);

    /// <summary>
    /// Finds the rotated file with identity <paramref name="id"/> next to <paramref name="path"/> (a gzip file with that
    /// inode is one this source was reading), else the gzip file whose text starts with <paramref name="fingerprint"/>
    /// (null for a cursor written before fingerprints) and is at least <paramref name="offset"/> long; then every other
    /// rotated file written after it (<see cref="Trail.Newer"/>, oldest first), and those among them compressed in a
    /// form not read here (<see cref="Trail.Unreadable"/>: xz, bzip2, zstd). When the old file is not found, nothing can
    /// be placed after it and both lists are empty.
    /// </summary>
    public static Trail Find(string path, FileIdentity id, long offset, ulong? fingerprint)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        string name = Path.GetFileName(path);
        if (dir is null)
        {
            return Lost;
        }
        var candidates = new List<(Rotated File, FileIdentity Id, DateTime Written)>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFiles(dir, name + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Lost; // the directory went away or cannot be listed: nothing to follow
        }
        foreach (var entry in entries)
        {
            string rest = Path.GetFileName(entry)[name.Length..];
            if (rest.Length < 2 || rest[0] is not ('.' or '-' or '_') || !Libc.TryStat(entry, out var candidate, out _, out _))
            {
                continue;
            }
            bool gzip = entry.EndsWith(".gz", StringComparison.Ordinal);
            // A compressed copy was written when it was compressed; its header keeps when its text was last written.
            var written = (gzip ? TryOriginalWriteTime(entry) : null) ?? File.GetLastWriteTimeUtc(entry);
            candidates.Add((new Rotated(entry, gzip), candidate, written));
        }
        int found = candidates.FindIndex(c => c.Id == id);
        if (found < 0 && fingerprint is { } wanted)
        {
            found = candidates.FindIndex(c => c.File.Gzip && StartsWith(c.File.Path, offset, wanted));
        }
        if (found < 0)
        {
            return Lost;
        }
        var old = candidates[found];
        // Written after the old file's last line: rotated later, so never read. Ties (same mtime) go by name: .2 before .1.
        var newer = candidates
            .Where(c => c.Id != old.Id && c.Written >= old.Written)
            .OrderBy(c => c.Written)
            .ThenByDescending(c => c.File.Path, StringComparer.Ordinal)
            .ToList();
        return new Trail(old.File,
            [.. newer.Where(c => !Unreadable(c.File)).Select(c => c.File)],
            [.. newer.Where(c => Unreadable(c.File)).Select(c => c.File.Path)]);
    }

    private static bool Unreadable(Rotated f) => !f.Gzip && (f.Path.EndsWith(".xz", StringComparison.Ordinal)
        || f.Path.EndsWith(".bz2", StringComparison.Ordinal) || f.Path.EndsWith(".zst", StringComparison.Ordinal));

    private static DateTime? TryOriginalWriteTime(string path)
    {
        try
        {
            return GzipLogChunks.OriginalWriteTime(path);
        }
        catch (IOException)
        {
            return null; // vanished or unreadable: its own mtime will do
        }
    }

    /// <summary>True when the gzip file at <paramref name="path"/> holds at least <paramref name="offset"/> bytes of text that start as fingerprinted.</summary>
    private static bool StartsWith(string path, long offset, ulong fingerprint)
    {
        try
        {
            // Its trailer gives the length mod 4 GiB; rotated kernel logs are far smaller, so a shorter one is another file.
            using var chunks = GzipLogChunks.Open(path, long.MaxValue);
            return offset > 0 && chunks.TrailerLength >= offset && chunks.Head(offset).Length == Math.Min(offset, LogChunks.HeadSize) && chunks.Fingerprint(offset) == fingerprint;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false; // corrupt or unreadable: not the file we were reading
        }
    }
}
