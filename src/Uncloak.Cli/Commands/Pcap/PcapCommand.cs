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
        var shared = new ReportOptions("Also write a self-contained HTML report to FILE.", WireKinds);
        var maxFlows = new Option<int>("--max-flows")
        {
            Description = "Connections tracked at once (about 200 bytes each); beyond it the stalest is evicted and counted. Memory is bounded by this, not by the file.",
            DefaultValueFactory = _ => new WireOptions().MaxFlows,
            HelpName = "N",
        };
        var hold = new Option<string>("--hold")
        {
            Description = "Report zero windows held at least this long (2s, 30s, 1m); 0s reports every zero window, as tshark's tcp.analysis.zero_window flags them.",
            DefaultValueFactory = _ => "2s",
            HelpName = "DURATION",
        };

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
            files,
        };
        foreach (var option in (Option[])[.. shared.Output, .. shared.Filters, maxFlows, hold, shared.FailOn])
        {
            command.Options.Add(option);
        }
        command.SetAction((result, cancel) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!shared.TryRead(result, "pcap", result.GetValue(files) ?? [], null, null, error, out var options))
            {
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            if (!Uncloak.Core.Decisions.DurationText.TryParse(result.GetValue(hold)!, out var holdFor, allowZero: true))
            {
                error.WriteLine($"uncloak pcap: --hold: '{result.GetValue(hold)}' is not a duration (0s, 2s, 30s, 1m)");
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            var wire = new WireOptions { MaxFlows = result.GetValue(maxFlows), ZeroWindowHold = holdFor };
            if (wire.Errors() is { Count: > 0 } errors)
            {
                error.WriteLine("uncloak pcap: " + string.Join("; ", errors));
                return Task.FromResult(ExitCodes.UsageOrInput);
            }
            options = options with { Wire = wire, CapturesOnly = true };
            return Task.FromResult(AnalyzeRunner.Run(options, result.InvocationConfiguration.Output, error, cancel));
        });
        return command;
    }
}
