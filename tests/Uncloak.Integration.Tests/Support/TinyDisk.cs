
namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A small tmpfs of its own, mounted on a fresh temp folder, to make "disk full" real: <see cref="Fill"/> takes every
/// free byte, <see cref="Free"/> gives them back. Unmounted (lazily, so a process still holding a file cannot keep it)
/// on dispose; a mount left by a killed test run is unmounted by the next one (same prefix).
/// </summary>
public sealed class TinyDisk : IDisposable
{
    private const string Prefix = "uncloak-rel-tiny-";

    public TinyDisk(int megabytes)
    {
        RemoveLeftovers();
        Dir = Directory.CreateTempSubdirectory(Prefix).FullName;
        Shell.Check("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", Dir);
    }

    /// <summary>The mount point.</summary>
    public string Dir { get; }

    private string Filler => Path.Combine(Dir, "filler");

    /// <summary>
    /// Writes a filler file until the filesystem refuses (ENOSPC), then gives back <paramref name="keepBytes"/>: room for
    /// SQLite to open the store (its -shm and first WAL frames) but not for a real write.
    /// </summary>
    public void Fill(int keepBytes = 0)
    {
        FillAll();
        if (keepBytes > 0)
        {
            using var f = new FileStream(Filler, FileMode.Open, FileAccess.Write);
            f.SetLength(Math.Max(0, f.Length - keepBytes));
        }
    }

    private void FillAll()
    {
        using var f = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1);
        var block = new byte[64 * 1024];
        try
        {
            // Bounded: a tmpfs of a few MB fills in well under this many blocks.
            for (int i = 0; i < 100_000; i++)
            {
                f.Write(block);
                f.Flush();
            }
        }
        catch (IOException)
        {
            // ENOSPC is the point. Fill the last partial block byte-wise so not even a page is left.
            var one = new byte[1];
            for (int i = 0; i < block.Length; i++)
            {
                try
                {
                    f.Write(one);
                    f.Flush();
                }
                catch (IOException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Deletes the filler: the space is back.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Shell.Run(["umount", "-l", Dir]);
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // still busy after a lazy unmount: an empty folder in /tmp is harmless
        }
    }

    private static void RemoveLeftovers()
    {
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var mountPoint = line.Split(' ')[1];
            if (Path.GetFileName(mountPoint).StartsWith(Prefix, StringComparison.Ordinal) && Path.GetDirectoryName(mountPoint) == Path.GetTempPath().TrimEnd('/'))
            {
                Shell.Run(["umount", "-l", mountPoint]);
            }
        }
    }
}
