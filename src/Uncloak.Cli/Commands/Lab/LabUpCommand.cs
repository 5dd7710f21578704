using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab up`: creates the namespaces, the bridge and the addresses.</summary>
public static class LabUpCommand
{
    public static Command Create()
    {
        var prefix = LabOptions.Prefix();
        var json = CommonOptions.Json();
        var command = new Command("up",
            "Create the lab: namespaces uncloak-srv (198.18.0.1, 2001:2::1), uncloak-atk (198.18.0.2, 2001:2::2) and the router " +
            "uncloak-rtr (198.18.0.254, 2001:2::fe: the server's default gateway) on one LAN, the bridge of uncloak-net joining " +
            "them, and uncloak-cli (198.18.1.3, 2001:2:0:1::3) beyond the router (198.18.1.254), so a LAN fault and an upstream " +
            "fault differ. Leftovers of an earlier lab are removed first. " +
            "The attacker namespace drops its own kernel's RSTs (nft, inside that namespace) so raw-socket attackers keep " +
            "their connections; the server routes 198.18.128.0/17 (spoofed sources) to the attacker, where it dies.\n\n" +
            "Then try: sudo ip netns exec uncloak-cli curl http://198.18.0.1:8080/ while 'uncloak lab run' is going, or " +
            "'sudo ip netns exec uncloak-srv uncloak sockets'.\n\nExample:\n  sudo uncloak lab up && sudo uncloak lab status")
        {
            prefix, json,
        };
        command.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            if (LabOptions.Names(result.GetValue(prefix)!, error, "up") is not { } names)
            {
                return ExitCodes.UsageOrInput;
            }
            if (!LabOptions.IsRoot(error, "up"))
            {
                return ExitCodes.Environment;
            }
            try
            {
                LabTopology.Up(names);
            }
            catch (LabException e)
            {
                error.WriteLine($"uncloak lab up: {e.Message}");
                return ExitCodes.Environment;
            }
            LabRenderer.WriteStatus(result.InvocationConfiguration.Output, LabTopology.Status(names), result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }
}
