namespace Uncloak.Core.Audit;

/// <summary>Which checks to run (--only, --skip) and which verdicts the configuration silences.</summary>
public sealed record AuditSelection
{
    public static AuditSelection All { get; } = new();

    /// <summary>When non-empty, run only these ids (or every id under a group prefix such as "nic").</summary>
    public IReadOnlyCollection<string> Only { get; init; } = [];

    public IReadOnlyCollection<string> Skip { get; init; } = [];

    public IReadOnlyList<AuditSilence> Silences { get; init; } = [];

    /// <summary>True when the check is selected. An entry matches its exact id or, written without a dot, a whole group ("nic" selects nic.*).</summary>
    public bool Includes(AuditCheck check) =>
        (Only.Count == 0 || Only.Any(o => Matches(o, check))) && !Skip.Any(s => Matches(s, check));

    private static bool Matches(string selector, AuditCheck check) =>
        string.Equals(selector, check.Id, StringComparison.Ordinal) ||
        (!selector.Contains('.') && check.Id.StartsWith(selector + ".", StringComparison.Ordinal));

    /// <summary>Selectors that name no check and no group: usage errors the CLI reports.</summary>
    public IEnumerable<string> UnknownSelectors(IEnumerable<AuditCheck> checks)
    {
        var list = checks.ToList();
        return Only.Concat(Skip).Concat(Silences.Select(s => s.Id))
            .Where(s => !list.Any(c => Matches(s, c)))
            .Distinct(StringComparer.Ordinal);
    }
}
