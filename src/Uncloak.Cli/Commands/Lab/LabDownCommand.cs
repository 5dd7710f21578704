using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab down`: removes the lab, whatever state it is in.</summary>
public static class LabDownCommand
{
    public static Command Create()
    {
        var prefix = LabOptions.Prefix();
        var json = CommonOptions.Json();
        var command = new Command("down",
            "Remove the lab: every namespace named PREFIXsrv, PREFIXatk, PREFIXcli, PREFIXnet that exists, after killing the " +
            "processes still inside them (a victim left by a crashed run). Removing a namespace removes its veths, bridge, " +
            "routes and nft rules with it. Safe to run at any time; does nothing when the lab is down.\n\nExample:\n  sudo uncloak lab down")
        {
            prefix, json,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (LabOptions.Names(result.GetValue(prefix)!, error, "down") is not { } names)
            {
                return ExitCodes.UsageOrInput;
            }
            if (!LabOptions.IsRoot(error, "down"))
            {
                return ExitCodes.Environment;
            }
            IReadOnlyList<string> removed;
            try
            {
                removed = LabTopology.Down(names);
            }
            catch (LabException e)
            {
                error.WriteLine($"uncloak lab down: {e.Message}");
                return ExitCodes.Environment;
            }
            LabRenderer.WriteRemoved(output, removed, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }
}
