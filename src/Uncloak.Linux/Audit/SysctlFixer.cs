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

    /// <summary>Persists, applies and verifies. Never throws for a single key that the kernel refuses: that key's outcome says so.</summary>
    public SysctlFixResult Apply(IReadOnlyList<SysctlChange> changes)
    {
        var before = changes.ToDictionary(c => c.Key, c => ReadLive(c), StringComparer.Ordinal);
        string? backup = Persist(changes);
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
        return new SysctlFixResult(ConfigPath, backup, outcomes);
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

    /// <summary>Merges the changes into the config file (existing keys updated in place, new ones appended). Returns the backup path, or null if there was no previous file.</summary>
    private string? Persist(IReadOnlyList<SysctlChange> changes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigPath)!);
        string? backup = null;
        var lines = new List<string>();
        if (File.Exists(ConfigPath))
        {
            backup = ConfigPath + "." + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".bak";
            File.Copy(ConfigPath, backup, overwrite: true);
            lines.AddRange(File.ReadAllLines(ConfigPath));
        }
        else
        {
            lines.Add("# Written by `uncloak audit --fix`. Each line was approved by an administrator; see docs/audit.md for the reasons.");
            lines.Add("# Applied at boot by systemd-sysctl (or `sysctl --system`). Earlier files in /etc/sysctl.d lose to this one for the same key.");
        }
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
        return backup;
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

/// <summary>The outcome of one key: the value before, what reads back now, and whether it matches.</summary>
public sealed record SysctlOutcome(SysctlChange Change, string? Before, string? After, bool Verified, string? Error);

/// <summary>What <see cref="SysctlFixer.Apply"/> did, and the commands that undo it.</summary>
public sealed record SysctlFixResult(string ConfigPath, string? BackupPath, IReadOnlyList<SysctlOutcome> Outcomes)
{
    public bool AllVerified => Outcomes.All(o => o.Verified);

    /// <summary>Restores the previous live values and the previous file (or removes the new one).</summary>
    public string UndoCommand
    {
        get
        {
            var restore = Outcomes.Where(o => o.Before is not null && o.Verified)
                .Select(o => $"'{o.Change.Key}={o.Before!.Replace('\t', ' ')}'").ToList();
            string file = BackupPath is not null ? $"cp -p '{BackupPath}' '{ConfigPath}'" : $"rm -f '{ConfigPath}'";
            return restore.Count > 0 ? $"sysctl -w {string.Join(' ', restore)} && {file}" : file;
        }
    }
}
