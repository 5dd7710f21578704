using Uncloak.Core.Audit;
using Uncloak.Linux.Audit;

namespace Uncloak.Cli.Commands.Audit;

/// <summary>
/// The --fix conversation: propose each sysctl change (current → new), ask on a terminal unless --yes, persist and
/// apply the approved ones, verify by reading back, print the undo command, then NIC changes only with --nic.
/// </summary>
internal static class AuditFix
{
    public static int Run(TextWriter output, TextWriter error, string root, AuditReport report, AuditSelection selection, bool yes, bool nic)
    {
        var proposed = report.ProposedSysctls();
        var nicChanges = report.ProposedNicChanges();
        bool interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        if (!yes && !interactive && (proposed.Count > 0 || (nic && nicChanges.Count > 0)))
        {
            error.WriteLine("uncloak audit --fix: not on a terminal, so nothing can be confirmed; pass --yes to approve every proposed change.");
            return ExitCodes.UsageOrInput;
        }
        output.WriteLine();
        var snapshotSysctls = new SnapshotReader(root).ReadSysctls();
        var approved = new List<SysctlChange>();
        if (proposed.Count == 0)
        {
            output.WriteLine("No sysctl changes to make.");
        }
        foreach (var change in proposed)
        {
            string current = snapshotSysctls.TryGetValue(change.Key.Replace('/', '.'), out var v) ? v.Replace('\t', ' ') : "(absent)";
            string question = $"Set {change.Key}: {current} → {change.Value}?";
            if (yes)
            {
                output.WriteLine(question + " yes (--yes)");
                approved.Add(change);
            }
            else if (Ask(output, question))
            {
                approved.Add(change);
            }
        }
        int exit = ExitCodes.Ok;
        if (approved.Count > 0)
        {
            var fixer = new SysctlFixer(root, TimeProvider.System);
            SysctlFixResult outcome;
            try
            {
                outcome = fixer.Apply(approved);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The file is written before anything live changes, so nothing was changed.
                error.WriteLine($"uncloak audit --fix: cannot write {fixer.ConfigPath}: {ex.Message} Nothing was changed (run as root).");
                return ExitCodes.Environment;
            }
            output.WriteLine();
            output.WriteLine($"Wrote {outcome.ConfigPath}" + (outcome.BackupPath is not null ? $" (previous file saved as {outcome.BackupPath})" : ""));
            foreach (var o in outcome.Outcomes)
            {
                output.WriteLine(o.Verified
                    ? $"  ok      {o.Change.Key} = {o.After} (was {o.Before ?? "absent"})"
                    : $"  FAILED  {o.Change.Key} = {o.Change.Value}: {o.Error}");
            }
            output.WriteLine($"Undo: {outcome.UndoCommand}");
            foreach (var o in fixer.FindBootOverrides(approved))
            {
                output.WriteLine($"WARNING: at boot {o.File}:{o.Line} sets {o.Change.Key} = {o.Value} after {SysctlFixer.FileName} and undoes this fix; remove or change that line.");
            }
            if (!outcome.AllVerified)
            {
                error.WriteLine("uncloak audit --fix: the kernel refused some changes (see FAILED above); they were left out of the file.");
                exit = ExitCodes.Environment;
            }
        }
        if (nicChanges.Count > 0)
        {
            output.WriteLine();
            if (!nic)
            {
                output.WriteLine("NIC changes proposed but not made (pass --nic to make them):");
                foreach (var n in nicChanges)
                {
                    output.WriteLine($"  {n.Command}");
                }
            }
            else
            {
                foreach (var n in nicChanges)
                {
                    output.WriteLine($"Will run the equivalent of: {n.Command}   (the link renegotiates and drops for a few seconds)");
                    if (!yes && !Ask(output, "Go ahead?"))
                    {
                        continue;
                    }
                    if (NicFixer.Apply(n) is { } failure)
                    {
                        output.WriteLine($"  FAILED  {failure}");
                        exit = ExitCodes.Environment;
                    }
                    else
                    {
                        output.WriteLine("  ok");
                    }
                }
            }
        }
        var after = Auditor.Run(new SnapshotReader(root).Read(), selection);
        output.WriteLine();
        output.WriteLine($"After fixing: score {after.Score}/100, {after.Count(CheckStatus.Fail)} fail, {after.Count(CheckStatus.Warn)} warn. " +
            (after.HasFailures ? "Remaining failures need changes outside sysctls (see 'uncloak audit')." : ""));
        return exit != ExitCodes.Ok ? exit : after.HasFailures ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private static bool Ask(TextWriter output, string question)
    {
        output.Write(question + " [y/N] ");
        output.Flush();
        var answer = Console.In.ReadLine();
        return answer is not null && (answer.Trim().Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));
    }
}
