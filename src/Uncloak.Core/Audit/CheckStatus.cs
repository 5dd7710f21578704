namespace Uncloak.Core.Audit;

/// <summary>The verdict of one check on one subject. Only Pass, Warn and Fail count towards the score.</summary>
public enum CheckStatus
{
    /// <summary>Meets the expectation.</summary>
    Pass,

    /// <summary>Falls short of the expectation; worth fixing, not urgent.</summary>
    Warn,

    /// <summary>Falls short of an expectation that matters for staying up; `uncloak audit` exits 1.</summary>
    Fail,

    /// <summary>A fact worth knowing that no setting changes (e.g. this kernel cannot print a message at all).</summary>
    Info,

    /// <summary>Not applicable here, or the data to judge it is missing (said why in the detail).</summary>
    Skip,

    /// <summary>Would have been a warning or failure, but the configuration silences it with a reason.</summary>
    Silenced,
}

public static class CheckStatuses
{
    public static string Name(this CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Warn => "warn",
        CheckStatus.Fail => "fail",
        CheckStatus.Info => "info",
        CheckStatus.Skip => "skip",
        CheckStatus.Silenced => "silenced",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
