using System.CommandLine;
using Spectre.Console;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Counters;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;
using Uncloak.Daemon.Enforcement;
using Uncloak.Linux.Counters;
using Uncloak.Linux.Sockets;

namespace Uncloak.Cli.Commands.Sockets;

/// <summary>`uncloak sockets`: the live TCP socket table judged per peer and per listener; kills stuck connections.</summary>
public static class SocketsCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Take one snapshot, print it and exit (implied when the output is not a terminal)." };
        var json = CommonOptions.Json();
        var interval = CommonOptions.Interval("--interval", "Time between refreshes of the live view. Each refresh is compared with the previous one, so probes that climb and connections that make no progress are confirmed." + " A duration (2s, 1m) or seconds.", TimeSpan.FromSeconds(2));
        var kill = new Option<string?>("--kill")
        {
            Description = "Destroy every connection of PEER (an address or a CIDR such as 198.51.100.0/24) with SOCK_DESTROY: the kernel resets it and frees its memory and the worker writing to it. Needs root.",
            HelpName = "PEER",
        };
        var killStuck = new Option<bool>("--kill-stuck") { Description = "Destroy every connection of every zero-window hold found now (peers holding their window shut while we have data for them). Needs root." };
        var allow = new Option<string[]>("--allow")
        {
            Description = "Never kill peers in CIDR (repeatable). Loopback, this machine's own addresses and the SSH client of this session (SSH_CONNECTION/SSH_CLIENT) are always protected.",
            HelpName = "CIDR",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("sockets",
            "Read the kernel's live TCP socket table (netlink sock_diag with tcp_info, IPv4 and IPv6 — no scraping of ss) and " +
            "say which peers misbehave:\n" +
            "  zero_window_hold  a peer holds its receive window at 0 while we have data for it (a stalled reader, a " +
            "sockstress attack, or the \"treason\" shrunk window that kernels no longer log): how many connections, how many " +
            "bytes stuck, for how long, probes and backoff;\n" +
            "  slow_read         one peer holds many connections to a service port that make no progress (slowloris);\n" +
            "  syn_recv_flood    many half-open connections on a listener, grouped by source /24 (/64), with a verdict on " +
            "whether the sources are spoofed (then bans are pointless and SYN cookies are the answer);\n" +
            "  accept_queue_full a listener's accept queue is at its backlog (the application does not accept fast enough).\n" +
            "It also shows each listener's backlog, accept queue and SYN-RECV count, and what to do about each finding.\n\n" +
            "On a terminal the view refreshes every --interval seconds until Ctrl-C; --once, --json or a pipe print one snapshot. " +
            "The table is per network namespace: run it where the server runs (ip netns exec NAME uncloak sockets).\n\n" +
            "Exit codes: 0 nothing found / all requested sockets killed, 1 findings, 2 usage error or a refused --kill target, " +
            "3 environment error (netlink unavailable, not allowed to destroy sockets).\n\n" +
            "Examples:\n  uncloak sockets\n  uncloak sockets --once --json\n  uncloak sockets --kill 203.0.113.45\n  uncloak sockets --kill-stuck --allow 192.0.2.0/24")
        {
            once, json, interval, kill, killStuck, allow,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            SignalExplanations.Register();
            bool asJson = result.GetValue(json);
            double seconds = result.GetValue(interval).TotalSeconds;
            if (seconds is <= 0 or > 3600)
            {
                await error.WriteLineAsync("uncloak sockets: --interval must be between 0 and 3600 seconds.");
                return ExitCodes.UsageOrInput;
            }
            var allowed = new List<PeerPrefix>();
            foreach (var text in result.GetValue(allow) ?? [])
            {
                if (!PeerPrefix.TryParse(text, out var p))
                {
                    await error.WriteLineAsync($"uncloak sockets: --allow '{text}' is not an address or CIDR.");
                    return ExitCodes.UsageOrInput;
                }
                allowed.Add(p);
            }
            string? killText = result.GetValue(kill);
            PeerPrefix killPrefix = default;
            if (killText is not null && !PeerPrefix.TryParse(killText, out killPrefix))
            {
                await error.WriteLineAsync($"uncloak sockets: --kill '{killText}' is not an address or CIDR.");
                return ExitCodes.UsageOrInput;
            }
            SockDiagClient client;
            try
            {
                client = SockDiagClient.Open();
            }
            catch (SockDiagException e)
            {
                await error.WriteLineAsync($"uncloak sockets: {e.Message}");
                return ExitCodes.Environment;
            }
            using (client)
            {
                try
                {
                    if (killText is not null || result.GetValue(killStuck))
                    {
                        return Kill(client, killText is null ? null : killPrefix, allowed, asJson, output, error);
                    }
                    bool live = !result.GetValue(once) && !asJson && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
                    if (!live)
                    {
                        var table = client.Dump();
                        var findings = SocketAnalyzer.Analyze(table);
                        var counters = CrossCheck.Read(null, out _);
                        if (asJson)
                        {
                            SocketsRenderer.WriteJson(output, findings, table.Malformed, counters);
                        }
                        else
                        {
                            Terminal.For(output).Write(SocketsRenderer.Build(findings, table.Malformed, counters));
                        }
                        return findings.Any ? ExitCodes.Findings : ExitCodes.Ok;
                    }
                    return await LiveAsync(client, TimeSpan.FromSeconds(seconds), output, cancel);
                }
                catch (SockDiagException e)
                {
                    await error.WriteLineAsync($"uncloak sockets: {e.Message}");
                    return ExitCodes.Environment;
                }
            }
        });
        return command;
    }

    private static int Kill(SockDiagClient client, PeerPrefix? peer, List<PeerPrefix> allowed, bool json, TextWriter output, TextWriter error)
    {
        var guard = SocketKill.HostGuard(allowed);
        var (plan, done) = peer is { } p ? SocketKill.Peer(client, p, guard) : SocketKill.Stuck(client, guard);
        SocketsRenderer.WriteKill(output, peer?.ToString() ?? "stuck peers", done, plan, json);
        if (done.Failed > 0)
        {
            error.WriteLine($"uncloak sockets: {done.Failed} socket(s) could not be destroyed (errno {done.FirstErrno}; 1 = not root, 95 = kernel without CONFIG_INET_DIAG_DESTROY).");
            return ExitCodes.Environment;
        }
        return plan.Refused.Count > 0 ? ExitCodes.UsageOrInput : ExitCodes.Ok;
    }

    private static async Task<int> LiveAsync(SockDiagClient client, TimeSpan interval, TextWriter output, CancellationToken cancel)
    {
        var console = Terminal.For(output);
        SocketTable? previous = null;
        var first = client.Dump();
        var findings = SocketAnalyzer.Analyze(first);
        var counters = CrossCheck.Read(null, out var snapshot);
        await console.Live(SocketsRenderer.Build(findings, first.Malformed, counters)).StartAsync(async ctx =>
        {
            previous = first;
            while (!cancel.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(interval, TimeProvider.System, cancel);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var table = client.Dump();
                findings = SocketAnalyzer.Analyze(table, previous);
                previous = table;
                counters = CrossCheck.Read(snapshot, out snapshot);
                ctx.UpdateTarget(SocketsRenderer.Build(findings, table.Malformed, counters));
            }
        });
        return findings.Any ? ExitCodes.Findings : ExitCodes.Ok;
    }

    /// <summary>The counters that confirm or contradict the socket findings, read in the same namespace as the netlink socket.</summary>
    private static class CrossCheck
    {
        private static readonly HashSet<string> Names =
        [
            "TcpExt.TCPWinProbe", "TcpExt.TCPAbortOnTimeout", "TcpExt.TCPToZeroWindowAdv", "TcpExt.TCPZeroWindowDrop",
            "TcpExt.ListenOverflows", "TcpExt.TCPReqQFullDoCookies", "TcpExt.TCPReqQFullDrop", "TcpExt.SyncookiesSent",
        ];

        /// <summary>Readings since <paramref name="previous"/> (values only when null); null when /proc cannot be read.</summary>
        public static IReadOnlyList<CounterReading>? Read(CounterSnapshot? previous, out CounterSnapshot? current)
        {
            try
            {
                // /proc/thread-self/net is this thread's namespace: the one the netlink socket was opened in.
                current = new CounterReader(procNet: "/proc/thread-self/net").Read();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                current = previous;
                return null; // the findings stand on their own; the cross-check is simply absent
            }
            return [.. CounterRates.Between(previous, current).Where(r => r.Present && Names.Contains(r.Signal.Name))];
        }
    }
}
