namespace Uncloak.Config;

/// <summary>
/// Which decisions pass, by scenario and by origin; an empty list lets every value through. For sharing, origins are the
/// local deciders (<c>watch</c>, <c>cli</c>, <c>import</c>); for accepting, they are the fleet's host names.
/// </summary>
public sealed record FleetFilter
{
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    public IReadOnlyList<string> Origins { get; init; } = [];

    /// <summary>True for a name usable as one NATS subject token (host and bucket names): letters, digits, '-' and '_'.</summary>
    public static bool IsHostName(string name)
        => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>True when a decision of <paramref name="scenario"/> from <paramref name="origin"/> passes both lists.</summary>
    public bool Passes(string? scenario, string origin)
        => (Scenarios.Count == 0 || (scenario is not null && Scenarios.Contains(scenario, StringComparer.Ordinal)))
           && (Origins.Count == 0 || Origins.Contains(origin, StringComparer.Ordinal));
}
