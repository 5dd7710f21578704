using System.CommandLine;

namespace Uncloak.Cli.Commands.Watch;

public sealed record WatchOptions
{
    public string? ConfigPath { get; init; }

    public string? DbPath { get; init; }

    public bool Simulate { get; init; }

    public IReadOnlyList<string> ExtraScenarios { get; init; } = [];

    public IReadOnlyList<string> Files { get; init; } = [];

    public bool NoKmsg { get; init; }

    public bool NoSockets { get; init; }

    public string? Metrics { get; init; }

    public IReadOnlyList<string> Replay { get; init; } = [];

    public bool Json { get; init; }

    public bool Verbose { get; init; }
}
