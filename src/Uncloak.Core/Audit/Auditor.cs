namespace Uncloak.Core.Audit;

/// <summary>Runs the selected checks over a snapshot and applies the silences. Pure and deterministic.</summary>
public static class Auditor
{
    public static AuditReport Run(SystemSnapshot snapshot, AuditSelection selection) => Run(snapshot, selection, AuditChecks.All);

    public static AuditReport Run(SystemSnapshot snapshot, AuditSelection selection, IReadOnlyList<AuditCheck> checks)
    {
        var results = new List<CheckResult>();
        foreach (var check in checks.Where(selection.Includes))
        {
            foreach (var result in check.Evaluate(snapshot).OrderBy(r => r.Subject, StringComparer.Ordinal))
            {
                var silence = result.Status is CheckStatus.Warn or CheckStatus.Fail
                    ? selection.Silences.FirstOrDefault(s => s.Matches(result))
                    : null;
                results.Add(silence is null ? result : result with { Status = CheckStatus.Silenced, SilencedBecause = silence.Reason });
            }
        }
        // Stable sort: groups in enum order, checks in registry order within a group.
        var ordered = results.Select((r, i) => (r, i)).OrderBy(x => x.r.Group).ThenBy(x => x.i).Select(x => x.r).ToList();
        return new AuditReport(snapshot.KernelRelease, ordered);
    }
}
