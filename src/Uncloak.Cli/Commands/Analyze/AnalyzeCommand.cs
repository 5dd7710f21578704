using System.CommandLine;
using System.Globalization;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;

namespace Uncloak.Cli.Commands.Analyze;

/// <summary>`uncloak analyze FILE…`: read whole logs and say what the evidence points at.</summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Log files: kern.log, syslog, messages (also rotated .1 and .gz), /dev/kmsg dumps, `journalctl -k -o json` " +
                "or `-o export` output, dmesg output; incident bundles (a directory with manifest.json) and the text dumps admins paste " +
                "(ss -tinoe, ss -tiepm, nstat -az, netstat -s, ethtool -S IF, tc -s qdisc, ip -s link, ip neigh; several in one file too), " +
                "which are localized: where the outage's fault is. The format is detected per file. '-' reads standard input. " +
                "Without files, reports from the store (--db).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var shared = new ReportOptions("Also write a self-contained HTML report with SVG charts to FILE.", EventKinds.LogKinds);
        var since = new Option<string?>("--since") { Description = "Only events at or after this time (2025-06-17, '2025-06-17 04:00', ISO 8601; UTC).", HelpName = "TIME" };
        var until = new Option<string?>("--until") { Description = "Only events before this time (UTC).", HelpName = "TIME" };
        var year = new Option<int?>("--year") { Description = "Year in which classic syslog files END (their lines carry no year; default: from each file's modification time).", HelpName = "YYYY" };

        var command = new Command("analyze",
            "Read whole kernel logs (GBs are fine: memory grows with distinct peers, not lines) and report: counts per kind, top peers " +
            "with per-kind counts and first/last seen, a per-local-port view, a timeline, NIC link flaps and watchdog resets with " +
            "durations, and a verdict: what the evidence says about causes, with the reasoning shown.\n\n" +
            "Events go into the store, keyed by each file's identity and byte offset: analysing the same file again adds nothing, and a " +
            "grown or rotated file adds only what is new. Bad lines are counted, never fatal.\n\n" +
            "Exit codes: 0 done, 1 a finding reached --fail-on, 2 bad usage or an input could not be read (what could be read is still reported).\n\n" +
            "Bundles and dumps: each bundle is one incident; all dump files given are read as one moment of one outage. The verdict " +
            "names the layer (application, host, shaper, nic, lan, upstream, or unknown) with a confidence, the ranked layers, the " +
            "evidence and the reasoning; --json gives {\"schema\": \"uncloak.forensics/1\", \"verdicts\": [...]}; --fail-on notice|warning " +
            "exits 1 when a layer is named.\n\n" +
            "Examples:\n  uncloak analyze /var/log/kern.log*\n  uncloak analyze /var/lib/uncloak/incidents/20260617T040800Z\n  uncloak analyze --json ss.txt nstat.txt ethtool-eth0.txt\n  journalctl -k -o json | uncloak analyze -\n  uncloak analyze --json --kind treason --since 2025-06-17 kern.log\n  uncloak analyze --html report.html samples/")
        {
            files,
        };
        foreach (var option in (Option[])[.. shared.Output, since, until, .. shared.Filters, year, shared.FailOn])
        {
            command.Options.Add(option);
        }
        command.SetAction((result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (!shared.TryRead(result, "analyze", result.GetValue(files) ?? [], result.GetValue(since), result.GetValue(until), error, out var options))
            {
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            options = options with { Year = result.GetValue(year) };
            return Task.FromResult(AnalyzeRunner.Run(options, output, error, cancel));
        });
        return command;
    }

    internal static bool TryBuildFilter(string? since, string? until, string[] kinds, string? peer, out AnalysisFilter? filter, out string? problem)
    {
        filter = null;
        problem = null;
        DateTime? s = null, u = null;
        if (since is not null)
        {
            if (!TryParseTime(since, out var t))
            {
                problem = $"--since: '{since}' is not a time (use 2025-06-17 or 2025-06-17T04:00:00Z)";
                return false;
            }
            s = t;
        }
        if (until is not null)
        {
            if (!TryParseTime(until, out var t))
            {
                problem = $"--until: '{until}' is not a time";
                return false;
            }
            u = t;
        }
        var kindSet = new HashSet<EventKind>();
        foreach (var k in kinds.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!EventKinds.TryParse(k, out var ek))
            {
                problem = $"--kind: unknown kind '{k}'. Known: {string.Join(", ", EventKinds.All.Select(x => x.Name()))}";
                return false;
            }
            kindSet.Add(ek);
        }
        NetAddress? network = null;
        int prefix = 0;
        if (peer is not null)
        {
            if (!AnalysisFilter.TryParseNetwork(peer, out var n, out prefix))
            {
                problem = $"--peer: '{peer}' is not an address or network";
                return false;
            }
            network = n;
        }
        filter = new AnalysisFilter { Since = s, Until = u, Kinds = kindSet, PeerNetwork = network, PeerPrefixLength = prefix };
        return true;
    }

    private static bool TryParseTime(string text, out DateTime time)
    {
        bool ok = DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
        time = DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return ok;
    }
}
