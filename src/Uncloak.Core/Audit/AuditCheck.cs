namespace Uncloak.Core.Audit;

/// <summary>
/// One audit check: a pure function from a snapshot to verdicts. Subclasses state what they expect and why
/// once (Expected, Rationale, also printed by docs/audit.md and `uncloak audit --list`), and per evaluation what
/// they saw and the exact fix.
/// </summary>
public abstract class AuditCheck
{
    /// <summary>Stable id for --only/--skip and silencing ("tcp.syncookies").</summary>
    public abstract string Id { get; }

    public abstract AuditGroup Group { get; }

    public abstract Severity Severity { get; }

    public abstract string Title { get; }

    /// <summary>The expected value in words ("1", "≥ 4096").</summary>
    public abstract string Expected { get; }

    /// <summary>Why it matters, in the plain voice of `uncloak explain`.</summary>
    public abstract string Rationale { get; }

    /// <summary>Judges the snapshot. Yields at least one result (Skip with a reason when it cannot judge).</summary>
    public abstract IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot);

    protected CheckResult Pass(string observed, string? subject = null, string? detail = null) =>
        Result(CheckStatus.Pass, observed, subject, detail, null);

    /// <summary>Not met: fails for High severity, warns otherwise.</summary>
    protected CheckResult NotMet(string observed, Fix fix, string? subject = null, string? detail = null) =>
        Result(Severity == Severity.High ? CheckStatus.Fail : CheckStatus.Warn, observed, subject, detail, fix);

    /// <summary>Not met but only worth a warning whatever the severity (a judgement call or a weaker signal).</summary>
    protected CheckResult Warn(string observed, Fix fix, string? subject = null, string? detail = null) =>
        Result(CheckStatus.Warn, observed, subject, detail, fix);

    protected CheckResult Info(string observed, string detail, string? subject = null, Fix? fix = null) =>
        Result(CheckStatus.Info, observed, subject, detail, fix);

    protected CheckResult Skip(string why, string? subject = null) =>
        Result(CheckStatus.Skip, "not judged", subject, why, null);

    private CheckResult Result(CheckStatus status, string observed, string? subject, string? detail, Fix? fix) => new()
    {
        Id = Id,
        Group = Group,
        Severity = Severity,
        Title = Title,
        Subject = subject,
        Status = status,
        Observed = observed,
        Expected = Expected,
        Rationale = Rationale,
        Detail = detail,
        Fix = fix,
    };
}
