using Uncloak.Core.Audit;

namespace Uncloak.Linux.Audit;

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
