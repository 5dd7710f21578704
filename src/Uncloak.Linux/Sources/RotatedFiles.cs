using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sources;

/// <summary>
/// Where a followed log went while the daemon was stopped. logrotate renames the file within its directory: to
/// <c>PATH.1</c>, to <c>PATH-20261203</c> with <c>dateext</c>, and on the next run shifts <c>.1</c> to <c>.2</c>; with
/// <c>compress</c> a rotated file becomes <c>PATH.2.gz</c>, a new file (new inode). The old file is found by its
/// device:inode among the rotated names; files rotated after it were never read at all and come next, oldest first
/// (issue 17, item 7: only <c>PATH.1</c> was looked at, so a dateext rename or a two-step shift lost whole files).
/// </summary>
internal static class RotatedFiles
{
    /// <summary>What became of the file a cursor points into.</summary>
    internal sealed record Trail(string? Old, IReadOnlyList<string> Newer, IReadOnlyList<string> Unreadable);

    /// <summary>
    /// Finds the rotated file with identity <paramref name="id"/> next to <paramref name="path"/>, then every other
    /// rotated file written after it (<see cref="Trail.Newer"/>, oldest first), and the compressed ones among those
    /// (<see cref="Trail.Unreadable"/>: a compressed copy has a new inode, so which lines of it were read cannot be told).
    /// When the old file is not found, nothing can be placed after it and both lists are empty.
    /// </summary>
    public static Trail Find(string path, FileIdentity id)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        string name = Path.GetFileName(path);
        if (dir is null)
        {
            return new Trail(null, [], []);
        }
        var candidates = new List<(string Path, FileIdentity Id, DateTime Written)>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFiles(dir, name + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Trail(null, [], []); // the directory went away or cannot be listed: nothing to follow
        }
        foreach (var entry in entries)
        {
            string rest = Path.GetFileName(entry)[name.Length..];
            if (rest.Length < 2 || rest[0] is not ('.' or '-' or '_') || !Libc.TryStat(entry, out var candidate, out _, out _))
            {
                continue;
            }
            candidates.Add((entry, candidate, File.GetLastWriteTimeUtc(entry)));
        }
        int found = candidates.FindIndex(c => c.Id == id);
        if (found < 0)
        {
            return new Trail(null, [], []);
        }
        var old = candidates[found];
        // Written after the old file's last line: rotated later, so never read. Ties (same mtime) go by name: .2 before .1.
        var newer = candidates
            .Where(c => c.Id != id && c.Written >= old.Written)
            .OrderBy(c => c.Written)
            .ThenByDescending(c => c.Path, StringComparer.Ordinal)
            .ToList();
        bool Compressed(string p) => p.EndsWith(".gz", StringComparison.Ordinal) || p.EndsWith(".xz", StringComparison.Ordinal) ||
            p.EndsWith(".bz2", StringComparison.Ordinal) || p.EndsWith(".zst", StringComparison.Ordinal);
        return new Trail(old.Path,
            [.. newer.Where(c => !Compressed(c.Path)).Select(c => c.Path)],
            [.. newer.Where(c => Compressed(c.Path)).Select(c => c.Path)]);
    }
}
