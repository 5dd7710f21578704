using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab status`: which lab namespaces exist, their addresses and processes.</summary>
public static class LabStatusCommand
{
    public static Command Create()
    {
        var prefix = LabOptions.Prefix();
        var json = CommonOptions.Json();
        var command = new Command("status",
            "Show which lab namespaces exist, their addresses and the processes inside them. Exit 0 when the lab is fully " +
            "up or fully down, 1 when only part of it exists (run 'uncloak lab down').\n\nExample:\n  sudo uncloak lab status --json")
        {
            prefix, json,
        };
        command.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            if (LabOptions.Names(result.GetValue(prefix)!, error, "status") is not { } names)
            {
                return ExitCodes.UsageOrInput;
            }
            if (!LabOptions.IsRoot(error, "status"))
            {
                return ExitCodes.Environment;
            }
            LabStatus status;
            try
            {
                status = LabTopology.Status(names);
            }
            catch (LabException e)
            {
                error.WriteLine($"uncloak lab status: {e.Message}");
                return ExitCodes.Environment;
            }
            LabRenderer.WriteStatus(result.InvocationConfiguration.Output, status, result.GetValue(json));
            return status.IsUp || status.IsDown ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }
}
