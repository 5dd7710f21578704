namespace Uncloak.Core.Audit;

/// <summary>The verdicts of an audit run, in report order (group, then check order, then subject), and the score.</summary>
public sealed record AuditReport(string? KernelRelease, IReadOnlyList<CheckResult> Results)
{
    /// <summary>
    /// 0–100: the severity-weighted share of judged results that pass (High 3, Medium 2, Low 1). Info, Skip and
    /// Silenced results do not count; with nothing judged the score is 100.
    /// </summary>
    public int Score
    {
        get
        {
            int total = 0, passed = 0;
            foreach (var r in Results)
            {
                if (r.Status is CheckStatus.Pass or CheckStatus.Warn or CheckStatus.Fail)
                {
                    total += (int)r.Severity;
                    passed += r.Status == CheckStatus.Pass ? (int)r.Severity : 0;
                }
            }
            return total == 0 ? 100 : passed * 100 / total;
        }
    }

    public int Count(CheckStatus status) => Results.Count(r => r.Status == status);

    public bool HasFailures => Results.Any(r => r.Status == CheckStatus.Fail);

    /// <summary>Every distinct sysctl change proposed by a warning or failure, first proposal wins, in report order.</summary>
    public IReadOnlyList<SysctlChange> ProposedSysctls() =>
        Results.Where(r => r.Status is CheckStatus.Warn or CheckStatus.Fail && r.Fix is not null)
            .SelectMany(r => r.Fix!.Sysctls)
            .DistinctBy(s => s.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Every distinct NIC change proposed by a warning or failure.</summary>
    public IReadOnlyList<NicChange> ProposedNicChanges() =>
        Results.Where(r => r.Status is CheckStatus.Warn or CheckStatus.Fail && r.Fix is not null)
            .SelectMany(r => r.Fix!.Nic)
            .Distinct()
            .ToList();
}
