using System.CommandLine;
using Uncloak.Cli.Commands.Analyze;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Wire;

namespace Uncloak.Cli.Commands.Pcap;

/// <summary>`uncloak pcap FILE…`: read packet captures and report what the wire shows, in the same report as `analyze`.</summary>
public static class PcapCommand
{
    private static readonly EventKind[] WireKinds =
    [
        EventKind.ZeroWindowHold, EventKind.SlowRead, EventKind.SynRecvFlood, EventKind.RstStorm, EventKind.RetransmitStorm, EventKind.OddPacket, EventKind.IcmpFlood,
    ];

    public static Command Create()
    {
        var files = new Argument<string[]>("files")
        {
            Description = "Captures: pcap (µs or ns timestamps, either byte order) or pcapng (several interfaces), gzipped or not, " +
                "from tcpdump, dumpcap, tshark or Wireshark. Link types: Ethernet (VLAN tags too), Linux cooked (SLL, SLL2: `-i any`), raw IP.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = CommonOptions.Json();
        var db = CommonOptions.Db();
        var noStore = new Option<bool>("--no-store") { Description = "Do not record events in the store (a read-only look)." };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML report to FILE.", HelpName = "FILE" };
        var kind = new Option<string[]>("--kind")
        {
            Description = "Only these kinds (repeatable or comma-separated): " + string.Join(", ", WireKinds.Select(k => k.Name())),
            AllowMultipleArgumentsPerToken = true,
        };
        var peer = new Option<string?>("--peer") { Description = "Only events naming this address or network.", HelpName = "ADDR[/LEN]" };
        var top = new Option<int?>("--top") { Description = "How many peers to list (default: 15 on the terminal, all in --json).", HelpName = "N" };
        var maxFlows = new Option<int>("--max-flows")
        {
            Description = "Connections tracked at once (about 200 bytes each); beyond it the stalest is evicted and counted. Memory is bounded by this, not by the file.",
            DefaultValueFactory = _ => new WireOptions().MaxFlows,
            HelpName = "N",
        };
        var hold = new Option<string>("--hold")
        {
            Description = "Report zero windows held at least this long (2s, 30s, 1m).",
            DefaultValueFactory = _ => "2s",
            HelpName = "DURATION",
        };
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a finding is at least this severe: notice, warning or critical.", HelpName = "SEVERITY" };
        failOn.AcceptOnlyFromAmong("notice", "warning", "critical");

        var command = new Command("pcap",
            "Read packet captures and report what hurts a server on the wire, with the side that did it: zero windows held " +
            "(how long, bytes in flight, probes and answers: persist stalls), windows shrunk (the right edge moved back over data " +
            "in flight: the \"treason\" condition), slow readers (window kept tiny), SYN floods per destination with spoofing hints " +
            "(source and prefix spread, TTL spread, handshakes completed), reset and retransmission storms, and odd packets " +
            "(impossible flag combinations, bogon sources, LAND, port 0, unknown ethertypes, malformed headers).\n\n" +
            "The report is analyze's (terminal, --json, --html, the store); `uncloak analyze` takes captures among its inputs too. " +
            "Window scale comes from the SYN and SYN-ACK; a connection begun before the capture has an unknown scale: its windows are " +
            "read unscaled (a shrink is claimed only when it is one at every scale) and it gets no slow-read verdict.\n\n" +
            "Exit codes: 0 done, 1 a finding reached --fail-on, 2 bad usage or a capture could not be read completely.\n\n" +
            "Examples:\n  tcpdump -i any -s 128 -w /tmp/edge.pcap 'tcp port 443'; uncloak pcap /tmp/edge.pcap\n" +
            "  uncloak pcap --json --kind zero_window_hold,slow_read capture.pcapng\n  uncloak pcap --html wire.html --no-store ring-*.pcap.gz")
        {
            files, json, db, noStore, html, kind, peer, top, maxFlows, hold, failOn,
        };
        command.SetAction((result, cancel) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!AnalyzeCommand.TryBuildFilter(null, null, result.GetValue(kind) ?? [], result.GetValue(peer), out var filter, out string? problem))
            {
                error.WriteLine("uncloak pcap: " + problem);
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            if (!Uncloak.Core.Decisions.DurationText.TryParse(result.GetValue(hold)!, out var holdFor) || holdFor <= TimeSpan.Zero)
            {
                error.WriteLine($"uncloak pcap: --hold: '{result.GetValue(hold)}' is not a duration (2s, 30s, 1m)");
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            var wire = new WireOptions { MaxFlows = result.GetValue(maxFlows), ZeroWindowHold = holdFor };
            if (wire.Errors() is { Count: > 0 } errors)
            {
                error.WriteLine("uncloak pcap: " + string.Join("; ", errors));
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            var options = new AnalyzeOptions
            {
                Files = result.GetValue(files) ?? [],
                Json = result.GetValue(json),
                DbPath = result.GetValue(db),
                NoStore = result.GetValue(noStore),
                HtmlPath = result.GetValue(html),
                Filter = filter!,
                Top = result.GetValue(top),
                FailOn = AnalyzeOptions.FailOnSeverity(result.GetValue(failOn)),
                Wire = wire,
                CapturesOnly = true,
            };
            return Task.FromResult(AnalyzeRunner.Run(options, result.InvocationConfiguration.Output, error, cancel));
        });
        return command;
    }
}
