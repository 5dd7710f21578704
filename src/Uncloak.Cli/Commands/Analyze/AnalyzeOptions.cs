using Uncloak.Core.Analysis;
using Uncloak.Core.Wire;

namespace Uncloak.Cli.Commands.Analyze;

public sealed record AnalyzeOptions
{
    public IReadOnlyList<string> Files { get; init; } = [];

    public bool Json { get; init; }

    public string? DbPath { get; init; }

    public bool NoStore { get; init; }

    public string? HtmlPath { get; init; }

    public AnalysisFilter Filter { get; init; } = AnalysisFilter.All;

    public int? Top { get; init; }

    public int? Year { get; init; }

    public Severity? FailOn { get; init; }

    /// <summary>The severity a <c>--fail-on</c> value names (the option accepts only these three), or null when unset.</summary>
    public static Severity? FailOnSeverity(string? value) => value switch
    {
        "notice" => Severity.Notice,
        "warning" => Severity.Warning,
        "critical" => Severity.Critical,
        _ => null,
    };

    /// <summary>The flow tracker's limits for captures among the inputs.</summary>
    public WireOptions Wire { get; init; } = new();

    /// <summary>Every input must be a capture (`uncloak pcap`).</summary>
    public bool CapturesOnly { get; init; }

    /// <summary>How messages on stderr begin: the command the admin typed, so `uncloak pcap`'s errors are not signed "analyze".</summary>
    public string Prefix => CapturesOnly ? "uncloak pcap: " : "uncloak analyze: ";
}
