using System.CommandLine;
using NATS.Client.Core;
using Uncloak.Cli.Rendering;
using Uncloak.Config;
using Uncloak.Fleet;
using Uncloak.Fleet.Hosts;

namespace Uncloak.Cli.Commands.Fleet;

/// <summary>`uncloak fleet status`: every host's heartbeat from the cluster, read with this host's fleet credentials.</summary>
public static class FleetStatusCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Daemon configuration with the 'fleet:' section (default: /etc/uncloak/uncloak.yaml).", HelpName = "FILE" };
        var json = CommonOptions.Json();
        var command = new Command("status",
            "Show the fleet's hosts as their agents report every 'heartbeat' (10 s by default): last seen, version, bans in force by origin (watch, cli, " +
            "import, fleet:HOST) and the received bans each applied and refused. Connects to the cluster with this host's " +
            "'fleet:' settings; --json gives \"schema\": \"uncloak.fleet.status/1\".\n\n" +
            "Exit codes: 0 every host reported within six heartbeats (a minute by default), 1 a host is silent, 2 no 'fleet:' section or an invalid " +
            "config, 3 the cluster cannot be reached or refused the credentials.\n\n" +
            "Examples:\n  sudo uncloak fleet status\n  sudo uncloak fleet status --json | jq '.hosts[] | {host, bans_in_force}'")
        {
            config, json,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var path = result.GetValue(config);
            if (await FleetConfigFile.LoadAsync(path, "status", error).ConfigureAwait(false) is not { } fleet)
            {
                return ExitCodes.UsageOrInput;
            }
            IReadOnlyList<HostRecord> hosts;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                hosts = await FleetHosts.ReadAsync(fleet, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
            {
                await error.WriteLineAsync($"uncloak fleet status: cannot read the fleet from {fleet.ServersShown}: {FleetConnection.Describe(e)}").ConfigureAwait(false);
                return ExitCodes.Environment;
            }
            var now = DateTimeOffset.UtcNow;
            if (result.GetValue(json))
            {
                FleetRenderer.StatusJson(output, hosts, now, fleet.SilentAfter);
            }
            else
            {
                FleetRenderer.Status(output, hosts, now, fleet.SilentAfter);
            }
            return hosts.Any(h => now - h.Seen > fleet.SilentAfter) ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
