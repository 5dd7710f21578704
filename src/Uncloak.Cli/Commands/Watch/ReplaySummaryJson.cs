namespace Uncloak.Cli.Commands.Watch;

/// <summary>`watch --replay --json`: what was read, how fast, and every alert with the actions it would have taken.</summary>
internal sealed record ReplaySummaryJson(
    long Lines,
    long Malformed,
    long Events,
    double Seconds,
    double EventsPerSecond,
    IReadOnlyList<string> Scenarios,
    IReadOnlyList<ReplaySummaryJson.AlertEntry> Alerts)
{
    /// <summary>The document's shape and version, first so a script can check it before reading on.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Schema { get; } = "uncloak.replay/1";

    /// <summary>One alert; times are round-trip ("O") strings, actions are the human phrases ("ban 192.0.2.7 1h").</summary>
    public sealed record AlertEntry(string Scenario, string Key, string First, string Time, int Events, IReadOnlyList<string> Actions);
}
