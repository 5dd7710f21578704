using System.Globalization;
using System.Text;
using Uncloak.Core.Audit;

namespace Uncloak.Linux.Audit;

/// <summary>
/// Applies approved sysctl changes under a root: persists them in ROOT/etc/sysctl.d/60-uncloak.conf (the previous
/// file backed up next to it), writes them live to ROOT/proc/sys, reads them back, and says how to undo it all.
/// Live writes go to the network namespace of the calling process, which is what makes the namespace test possible.
/// </summary>
public sealed class SysctlFixer(string root, TimeProvider time)
{
    public const string FileName = "60-uncloak.conf";

    private readonly string _root = Path.GetFullPath(root);

    public string ConfigPath => Path.Combine(_root, "etc", "sysctl.d", FileName);

    /// <summary>
    /// Persists, applies and verifies. The file is written first, so if it cannot be written (IOException or
    /// UnauthorizedAccessException, thrown) nothing changes live. A key the kernel refuses does not throw: its outcome
    /// says so, and it is taken back out of the file so that boot does not retry a value this kernel rejects.
    /// </summary>
    public SysctlFixResult Apply(IReadOnlyList<SysctlChange> changes)
    {
        var before = changes.ToDictionary(c => c.Key, c => ReadLive(c), StringComparer.Ordinal);
        var (original, backup) = BackUp();
        Write(original, changes);
        var outcomes = new List<SysctlOutcome>();
        foreach (var change in changes)
        {
            string? error = null;
            try
            {
                File.WriteAllText(ProcFile(change), change.Value + "\n");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // EINVAL (value out of range), EPERM (not root, or a key only init_net may write such as
                // nf_conntrack_buckets), ENOENT (module not loaded): reported per key, the others still apply.
                error = ex.Message;
            }
            string? readBack = ReadLive(change);
            bool verified = error is null && readBack is not null && Normalize(readBack) == Normalize(change.Value);
            if (error is null && !verified)
            {
                error = $"read back '{readBack ?? "(unreadable)"}'";
            }
            outcomes.Add(new SysctlOutcome(change, before[change.Key], readBack, verified, error));
        }
        if (!outcomes.All(o => o.Verified))
        {
            Write(original, outcomes.Where(o => o.Verified).Select(o => o.Change).ToList());
        }
        return new SysctlFixResult(ConfigPath, backup, outcomes);
    }

    /// <summary>Directories systemd-sysctl and `sysctl --system` read, in no particular order (files are ordered by name across them).</summary>
    private static readonly string[] ConfigDirectories = ["etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d", "lib/sysctl.d"];

    /// <summary>
    /// Lines that will undo the changes at boot: the same key with another value in a file that sorts after
    /// 60-uncloak.conf (e.g. Debian's 99-sysctl.conf → /etc/sysctl.conf) or in /etc/sysctl.conf itself, which
    /// `sysctl --system` reads last. Exact keys only; glob keys (net.ipv4.conf.*.x) are not expanded.
    /// </summary>
    public IReadOnlyList<SysctlOverride> FindBootOverrides(IReadOnlyList<SysctlChange> changes)
    {
        var files = new List<(string SortName, string Path)>();
        foreach (var dir in ConfigDirectories)
        {
            var full = Path.Combine(_root, dir);
            if (!Directory.Exists(full))
            {
                continue;
            }
            foreach (var f in Directory.EnumerateFiles(full, "*.conf"))
            {
                string name = Path.GetFileName(f);
                if (string.CompareOrdinal(name, FileName) > 0)
                {
                    files.Add((name, f));
                }
            }
        }
        var sysctlConf = Path.Combine(_root, "etc", "sysctl.conf");
        var ordered = files.OrderBy(f => f.SortName, StringComparer.Ordinal).Select(f => f.Path).ToList();
        if (File.Exists(sysctlConf))
        {
            ordered.Add(sysctlConf);
        }
        var result = new List<SysctlOverride>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in ordered)
        {
            string real = Path.GetFullPath(new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file);
            if (!seen.Add(real))
            {
                continue; // 99-sysctl.conf is usually a link to sysctl.conf: report each line once
            }
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // A dangling link or unreadable file does not apply at boot either.
            }
            for (int i = 0; i < lines.Length; i++)
            {
                if (KeyOf(lines[i]) is not { } key)
                {
                    continue;
                }
                string value = lines[i][(lines[i].IndexOf('=', StringComparison.Ordinal) + 1)..].Trim();
                foreach (var change in changes)
                {
                    if (SameKey(key, change.Key) && Normalize(value) != Normalize(change.Value))
                    {
                        result.Add(new SysctlOverride(change, file, i + 1, value));
                    }
                }
            }
        }
        return result;
    }

    private string ProcFile(SysctlChange change) => Path.Combine(_root, "proc", "sys", change.ProcPath);

    private string? ReadLive(SysctlChange change)
    {
        try
        {
            return File.ReadAllText(ProcFile(change)).TrimEnd('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The key does not exist here (yet): the write below will say so.
            return null;
        }
    }

    /// <summary>"4096\t8192 16384" and "4096 8192 16384" are the same value.</summary>
    private static string Normalize(string value) => string.Join(' ', value.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Copies the current file aside (if there is one) and returns its lines, or a header for a new file, with the backup path.</summary>
    private (IReadOnlyList<string> Lines, string? Backup) BackUp()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        if (!File.Exists(ConfigPath))
        {
            return ([
                "# Written by `uncloak audit --fix`. Each line was approved by an administrator; see docs/audit.md for the reasons.",
                "# Applied at boot by systemd-sysctl (or `sysctl --system`). Earlier files in /etc/sysctl.d lose to this one for the same key.",
            ], null);
        }
        string backup = ConfigPath + "." + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".bak";
        File.Copy(ConfigPath, backup, overwrite: true);
        return (File.ReadAllLines(ConfigPath), backup);
    }

    /// <summary>Writes the original lines with the changes merged in (existing keys updated in place, new ones appended), atomically.</summary>
    private void Write(IReadOnlyList<string> original, IReadOnlyList<SysctlChange> changes)
    {
        var lines = original.ToList();
        foreach (var change in changes)
        {
            int index = lines.FindIndex(l => KeyOf(l) is { } k && SameKey(k, change.Key));
            string line = $"{change.Key} = {change.Value}";
            if (index >= 0)
            {
                lines[index] = line;
            }
            else
            {
                lines.Add(line);
            }
        }
        var tmp = ConfigPath + ".tmp";
        File.WriteAllText(tmp, string.Join('\n', lines) + "\n", new UTF8Encoding(false));
        File.Move(tmp, ConfigPath, overwrite: true);
    }

    private static string? KeyOf(string line)
    {
        var t = line.TrimStart();
        if (t.Length == 0 || t[0] is '#' or ';')
        {
            return null;
        }
        int eq = t.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? t[..eq].Trim().TrimStart('-') : null;
    }

    private static bool SameKey(string a, string b) =>
        string.Equals(a.Contains('/') ? a : a.Replace('.', '/'), b.Contains('/') ? b : b.Replace('.', '/'), StringComparison.Ordinal);
}
