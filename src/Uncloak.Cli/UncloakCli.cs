using System.CommandLine;
using Uncloak.Cli.Commands.Analyze;
using Uncloak.Cli.Commands.Audit;
using Uncloak.Cli.Commands.Bans;
using Uncloak.Cli.Commands.Completions;
using Uncloak.Cli.Commands.Counters;
using Uncloak.Cli.Commands.Explain;
using Uncloak.Cli.Commands.Config;
using Uncloak.Cli.Commands.Firewall;
using Uncloak.Cli.Commands.Lab;
using Uncloak.Cli.Commands.Report;
using Uncloak.Cli.Commands.Service;
using Uncloak.Cli.Commands.Sockets;
using Uncloak.Cli.Commands.Storage;
using Uncloak.Cli.Commands.Watch;

namespace Uncloak.Cli;

/// <summary>Builds the command tree and runs it. Each noun registers its verbs from Commands/&lt;Noun&gt;/.</summary>
public static class UncloakCli
{
    public static RootCommand Build()
    {
        Uncloak.Core.Signals.SignalExplanations.Register(); // host-signal kinds join the catalog for explain and reports
        var root = new RootCommand(
            "Uncloak keeps an internet-facing Linux server up when peers misbehave at the TCP level.\n\n" +
            "  explain   decode one kernel log line and say what it means\n" +
            "  analyze   read whole logs and say what the evidence points at\n" +
            "  audit     check kernel, capacity, NIC and listener settings, with reasons and exact fixes\n" +
            "  sockets   the live TCP socket table judged per peer and listener; kill stuck connections\n" +
            "  counters  the kernel's TCP counters that reveal floods, stalls and exhaustion, with rates\n" +
            "  bans      ban and unban peers in the kernel firewall (nftables set, one transaction, store as truth)\n" +
            "  peer      why was this address banned: its events, episodes, decisions, evidence and revocations\n" +
            "  firewall  plan and apply a hardening ruleset that rolls itself back unless confirmed\n" +
            "  lab       real attacks on a real server in namespaces on this machine, with and without defences\n" +
            "  watch     the daemon: live sources, scenarios, decisions, probes, metrics (--replay for recorded logs)\n" +
            "  status    ask the running daemon how it is: sources, scenarios, bans, probes, outages, alerts\n" +
            "  report    outages, what preceded them, and which events go with them (lift)\n" +
            "  capture   an incident bundle of this host now: sockets, counters, qdiscs, NICs, neighbours; the faulty layer\n" +
            "  incidents the outages the daemon captured, each with its layer and bundle (list|show|export|prune)\n" +
            "  config    check the daemon configuration and scenarios (config check)\n" +
            "  store     what the store holds, pruning, integrity check, salvage (stats|prune|check|recover)\n" +
            "  install-service  install the systemd unit for watch\n" +
            "  completions  print a bash, zsh or fish completion script\n\n" +
            "Exit codes: 0 ok, 1 findings, 2 usage or input error, 3 environment error.");
        root.Add(ExplainCommand.Create());
        root.Add(AnalyzeCommand.Create());
        root.Add(Commands.Pcap.PcapCommand.Create());
        root.Add(AuditCommand.Create());
        root.Add(CountersCommand.Create());
        root.Add(SocketsCommand.Create());
        root.Add(BansCommand.Create());
        root.Add(Commands.Peer.PeerCommand.Create());
        root.Add(FirewallCommand.Create());
        root.Add(LabCommand.Create());
        root.Add(WatchCommand.Create());
        root.Add(Commands.Status.StatusCommand.Create());
        root.Add(Commands.Fleet.FleetCommand.Create());
        root.Add(Commands.Web.WebCommand.Create());
        root.Add(ReportCommand.Create());
        root.Add(Commands.Capture.CaptureCommand.Create());
        root.Add(Commands.Incidents.IncidentsCommand.Create());
        root.Add(ConfigCommand.Create());
        root.Add(StoreCommand.Create());
        root.Add(InstallServiceCommand.Create());
        root.Add(CompletionsCommand.Create());
        return root;
    }

    /// <summary>Parses and runs; usage errors exit 2 (System.CommandLine's own default is 1).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var root = Build();
        if (args.Length > 0 && args[0] == "help")
        {
            // `uncloak help [COMMAND…]` is `uncloak [COMMAND…] --help`: the help action runs, so the missing-verb check
            // below never sees it (the last attempt at both broke `uncloak help` by listing instead of helping).
            args = [.. args.Skip(1), "--help"];
        }
        if (args is ["--help" or "-h" or "-?"])
        {
            // The parser's root help prints every command's whole description (six screens): the overview fits one.
            await output.WriteLineAsync(Rendering.CommandListing.RootHelp(root));
            return ExitCodes.Ok;
        }
        var result = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error };
        if (result.CommandResult.Command is { Name: WatchCommand.Name } watch && watch.Parents.Contains(root))
        {
            // The daemon owns its signals (WatchHost: SIGTERM drains the sources, sends queued alerts, stops the listener).
            // System.CommandLine's own handler, armed for every asynchronous command, would end the process with exit
            // 143 two seconds after SIGTERM whatever the drain was doing: seen with hostile connections held on the
            // metrics listener, whose shutdown alone may take two seconds (issue 17).
            config.ProcessTerminationTimeout = null;
        }
        if (result.Errors.Count > 0 && result.CommandResult.Command is { Subcommands.Count: > 0 } noun && noun.Action is null
            && result.Tokens.All(t => t.Type != System.CommandLine.Parsing.TokenType.Argument))
        {
            // A noun without its verb (`uncloak`, `uncloak bans`): say which verbs there are instead of a parser message.
            await error.WriteLineAsync(Rendering.CommandListing.For(noun, root));
            return ExitCodes.UsageOrInput;
        }
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors)
            {
                await error.WriteLineAsync($"uncloak: {e.Message}");
            }
            await error.WriteLineAsync("Try 'uncloak --help' or 'uncloak COMMAND --help'.");
            return ExitCodes.UsageOrInput;
        }
        return await result.InvokeAsync(config, cancel);
    }
}
