using System.CommandLine;
using System.Runtime.CompilerServices;
using Uncloak.Cli.Commands.Watch;
using Uncloak.Linux.Processes;

namespace Uncloak.Cli.Commands.Service;

/// <summary>`uncloak install-service`: write the shipped systemd unit with this binary's path, then reload systemd (and enable it if asked).</summary>
public static class InstallServiceCommand
{
    public static Command Create()
    {
        var unitDir = new Option<string>("--unit-dir") { Description = "Where to write uncloak.service.", DefaultValueFactory = _ => "/etc/systemd/system", HelpName = "DIR" };
        var enable = new Option<bool>("--enable") { Description = "Also run 'systemctl enable --now uncloak' (otherwise only daemon-reload)." };
        var command = new Command("install-service",
            "Install the shipped systemd unit (Type=notify, watchdog, hardening) for 'uncloak watch', with ExecStart pointing at this " +
            "binary, and MemoryDenyWriteExecute=yes unless this is a JIT build (dotnet uncloak.dll). Then 'systemctl daemon-reload' " +
            "when systemd runs. Change settings with 'systemctl edit uncloak' (a drop-in), not " +
            "in the unit.\n\nExit codes: 0 installed, 3 cannot write the unit or systemctl failed.\n\nExample:\n  sudo uncloak install-service --enable")
        {
            unitDir, enable,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string dir = result.GetValue(unitDir)!;
            string binary = Environment.ProcessPath ?? "/usr/bin/uncloak";
            // Run through `dotnet uncloak.dll` (tests, dev builds): the unit must start the dll the same way.
            string exec = Path.GetFileNameWithoutExtension(binary) == "dotnet"
                ? $"{binary} {Path.Combine(AppContext.BaseDirectory, "uncloak.dll")} watch"
                : $"{binary} watch";
            try
            {
                var unit = File.ReadAllText(WatchPaths.ShippedUnit).Replace("ExecStart=/usr/bin/uncloak watch", "ExecStart=" + exec, StringComparison.Ordinal)
                    .Replace("ExecStartPre=/usr/bin/uncloak config check", "ExecStartPre=" + exec[..^" watch".Length] + " config check", StringComparison.Ordinal);
                // The shipped (Native AOT) binary runs with W^X enforced; a build with a JIT would be killed at its first JIT.
                if (RuntimeFeature.IsDynamicCodeSupported)
                {
                    unit = unit.Replace("MemoryDenyWriteExecute=yes", "MemoryDenyWriteExecute=no", StringComparison.Ordinal);
                }
                Directory.CreateDirectory(dir);
                var path = Path.Combine(dir, "uncloak.service");
                File.WriteAllText(path, unit);
                output.WriteLine($"wrote {path} (ExecStart={exec})");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak install-service: {e.Message}");
                return ExitCodes.Environment;
            }
            if (!Directory.Exists("/run/systemd/system"))
            {
                output.WriteLine("systemd is not running here: start it later with 'systemctl daemon-reload && systemctl enable --now uncloak'.");
                return ExitCodes.Ok;
            }
            foreach (var args in result.GetValue(enable) ? new[] { new[] { "daemon-reload" }, new[] { "enable", "--now", "uncloak" } } : [["daemon-reload"]])
            {
                CommandResult r;
                try
                {
                    // enable --now waits for the unit to start: bounded, so a hung start cannot hang the installer.
                    r = CommandRunner.Run("systemctl", args, TimeSpan.FromMinutes(2));
                }
                catch (CommandException e)
                {
                    error.WriteLine($"uncloak install-service: {e.Message}");
                    return ExitCodes.Environment;
                }
                if (r.TimedOut || r.ExitCode != 0)
                {
                    error.WriteLine($"uncloak install-service: systemctl {string.Join(' ', args)} failed: {(r.TimedOut ? "no answer within 2 minutes" : r.Error.Trim())}");
                    return ExitCodes.Environment;
                }
                output.WriteLine($"systemctl {string.Join(' ', args)}: ok");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
