using Uncloak.Core.Analysis;

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
}
