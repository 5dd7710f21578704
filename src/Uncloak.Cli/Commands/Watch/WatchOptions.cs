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

    /// <summary>The control socket's path, or "off"; null keeps the config's.</summary>
    public string? Control { get; init; }

    /// <summary>The dashboard: "on", HOST:PORT, or "off"; null keeps the config's.</summary>
    public string? Web { get; init; }

    public IReadOnlyList<string> JournalUnits { get; init; } = [];

    public IReadOnlyList<string> Probes { get; init; } = [];

    public IReadOnlyList<string> Allow { get; init; } = [];

    public string? Webhook { get; init; }

    public string? Firewall { get; init; }

    public int? MaxBansPerMinute { get; init; }

    public IReadOnlyList<string> Replay { get; init; } = [];

    public bool Json { get; init; }

    public bool Verbose { get; init; }
}
