using System.CommandLine;
using Uncloak.Core.Events;

namespace Uncloak.Cli.Commands.Analyze;

/// <summary>
/// The options `analyze` and `pcap` share, declared once: both give the same report (terminal, <c>--json</c>,
/// <c>--html</c>), write the same store, and filter by kind and peer the same way.
/// </summary>
internal sealed class ReportOptions
{
    public ReportOptions(string htmlDescription, IEnumerable<EventKind> kinds)
    {
        Html = new Option<string?>("--html") { Description = htmlDescription, HelpName = "FILE" };
        Kind = new Option<string[]>("--kind")
        {
            Description = "Only these kinds (repeatable or comma-separated): " + string.Join(", ", kinds.Select(k => k.Name())),
            AllowMultipleArgumentsPerToken = true,
        };
        FailOn.AcceptOnlyFromAmong("notice", "warning", "critical");
    }

    public Option<bool> Json { get; } = CommonOptions.Json();

    public Option<string?> Db { get; } = CommonOptions.Db();

    public Option<bool> NoStore { get; } = new("--no-store") { Description = "Do not record events in the store (a read-only look)." };

    public Option<string?> Html { get; }

    public Option<string[]> Kind { get; }

    public Option<string?> Peer { get; } = new("--peer")
    {
        Description = "Only events from this peer address or network (203.0.113.7, 203.0.113.0/24, 2001:db8::/64).",
        HelpName = "ADDR[/LEN]",
    };

    public Option<int?> Top { get; } = new("--top") { Description = "How many peers to list (default: 15 on the terminal, all in --json).", HelpName = "N" };

    public Option<string?> FailOn { get; } = new("--fail-on")
    {
        Description = "Exit 1 when a finding is at least this severe: notice, warning or critical (for cron and CI).",
        HelpName = "SEVERITY",
    };

    /// <summary>The output and store options, in the order help lists them (before the command's own filters).</summary>
    public IEnumerable<Option> Output => [Json, Db, NoStore, Html];

    /// <summary>The filters and the exit-code option, in the order help lists them (after the command's own).</summary>
    public IEnumerable<Option> Filters => [Kind, Peer, Top];

    /// <summary>
    /// Reads the shared options (with <paramref name="since"/> and <paramref name="until"/> from the command, null for
    /// none) into the runner's options; false with the message written for a filter that does not parse.
    /// </summary>
    public bool TryRead(ParseResult result, string command, string[] files, string? since, string? until, TextWriter error, out AnalyzeOptions options)
    {
        options = new AnalyzeOptions();
        // The files argument takes every token no option claims, so a mistyped option would otherwise be read as a
        // file that does not exist, after opening (and creating) the store.
        foreach (var file in files)
        {
            if (file.Length > 1 && file[0] == '-' && Uncloak.Linux.Files.LogInput.IsMissing(file))
            {
                error.WriteLine($"uncloak {command}: unknown option '{file}' (see 'uncloak {command} --help'; a file whose name starts with '-' is given as ./{file})");
                return false;
            }
        }
        if (!AnalyzeCommand.TryBuildFilter(since, until, result.GetValue(Kind) ?? [], result.GetValue(Peer), out var filter, out string? problem))
        {
            error.WriteLine($"uncloak {command}: {problem}");
            return false;
        }
        options = new AnalyzeOptions
        {
            Files = files,
            Json = result.GetValue(Json),
            DbPath = result.GetValue(Db),
            NoStore = result.GetValue(NoStore),
            HtmlPath = result.GetValue(Html),
            Filter = filter!,
            Top = result.GetValue(Top),
            FailOn = AnalyzeOptions.FailOnSeverity(result.GetValue(FailOn)),
        };
        return true;
    }
}
