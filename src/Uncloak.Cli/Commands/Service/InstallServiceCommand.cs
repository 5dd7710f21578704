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
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the unit that would be written and the systemctl calls that would follow; change nothing." };
        var json = CommonOptions.Json();
        var command = new Command("install-service",
            "Install the shipped systemd unit (Type=notify, watchdog, hardening) for the daemon, with ExecStart pointing at the daemon " +
            "binary uncloakd next to this one (the same engine as 'uncloak watch', less memory; this binary's 'watch' when there is " +
            "none), ExecStartPre at this binary's 'config check', and MemoryDenyWriteExecute=yes unless this is a JIT build (dotnet uncloak.dll). Then 'systemctl daemon-reload' " +
            "when systemd runs. Change settings with 'systemctl edit uncloak' (a drop-in), not " +
            "in the unit.\n\nExit codes: 0 installed (or, with --dry-run, would install), 3 cannot write the unit or systemctl failed." +
            "\n\nExamples:\n  uncloak install-service --dry-run\n  sudo uncloak install-service --enable")
        {
            unitDir, enable, dryRun, json,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            bool asJson = result.GetValue(json);
            string dir = result.GetValue(unitDir)!;
            var (exec, check) = Commands(Environment.ProcessPath ?? "/usr/bin/uncloak");
            var path = Path.Combine(dir, "uncloak.service");
            bool systemd = Directory.Exists("/run/systemd/system");
            string[][] calls = result.GetValue(enable) ? [["daemon-reload"], ["enable", "--now", "uncloak"]] : [["daemon-reload"]];
            string unit;
            try
            {
                unit = Unit(File.ReadAllText(WatchPaths.ShippedUnit), exec, check);
                if (result.GetValue(dryRun))
                {
                    Report(output, asJson, dryRun: true, path, exec, unit, systemd, [.. calls.Select(c => (c, (bool?)null))]);
                    return ExitCodes.Ok;
                }
                Directory.CreateDirectory(dir);
                File.WriteAllText(path, unit);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak install-service: {e.Message}");
                return ExitCodes.Environment;
            }
            if (!asJson)
            {
                output.WriteLine($"wrote {path} (ExecStart={exec})");
            }
            if (!systemd)
            {
                if (asJson)
                {
                    Report(output, asJson, dryRun: false, path, exec, unit: null, systemd, []);
                }
                else
                {
                    output.WriteLine("systemd is not running here: start it later with 'systemctl daemon-reload && systemctl enable --now uncloak'.");
                }
                return ExitCodes.Ok;
            }
            var done = new List<(string[] Args, bool? Ok)>();
            foreach (var args in calls)
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
                done.Add((args, true));
                if (!asJson)
                {
                    output.WriteLine($"systemctl {string.Join(' ', args)}: ok");
                }
            }
            if (asJson)
            {
                Report(output, asJson, dryRun: false, path, exec, unit: null, systemd, done);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// What the unit runs: the daemon binary <c>uncloakd</c> next to this one when there is one (packaging/publish.sh
    /// ships both: the same engine, less resident memory), else this binary's <c>watch</c> (a JIT build, run as
    /// <c>dotnet uncloak.dll</c>, or an AOT <c>uncloak</c> published alone); the config check always runs this binary.
    /// </summary>
    private static (string Exec, string Check) Commands(string binary)
    {
        // Run through `dotnet uncloak.dll` (tests, dev builds): the unit must start the dll the same way.
        string cli = Path.GetFileNameWithoutExtension(binary) == "dotnet"
            ? $"{binary} {Path.Combine(AppContext.BaseDirectory, "uncloak.dll")}"
            : binary;
        string daemon = Path.Combine(Path.GetDirectoryName(binary) ?? "/", "uncloakd");
        bool aot = !RuntimeFeature.IsDynamicCodeSupported;
        return (aot && File.Exists(daemon) ? daemon : cli + " watch", cli + " config check");
    }

    /// <summary>The shipped unit with these commands in ExecStart/ExecStartPre, and W^X only where no JIT runs.</summary>
    private static string Unit(string shipped, string exec, string check)
    {
        var unit = shipped.Replace("ExecStart=/usr/lib/uncloak/uncloakd\n", "ExecStart=" + exec + "\n", StringComparison.Ordinal)
            .Replace("ExecStartPre=/usr/bin/uncloak config check\n", "ExecStartPre=" + check + "\n", StringComparison.Ordinal);
        // The shipped (Native AOT) binary runs with W^X enforced; a build with a JIT would be killed at its first JIT.
        return RuntimeFeature.IsDynamicCodeSupported
            ? unit.Replace("MemoryDenyWriteExecute=yes", "MemoryDenyWriteExecute=no", StringComparison.Ordinal)
            : unit;
    }

    private static void Report(TextWriter output, bool json, bool dryRun, string path, string exec, string? unit, bool systemd, IReadOnlyList<(string[] Args, bool? Ok)> calls)
    {
        if (!json)
        {
            output.WriteLine($"would write {path} (ExecStart={exec}):");
            output.WriteLine();
            output.Write(unit);
            output.WriteLine();
            output.WriteLine(systemd
                ? "then: " + string.Join("; ", calls.Select(c => "systemctl " + string.Join(' ', c.Args)))
                : "then nothing: systemd is not running here.");
            return;
        }
        Rendering.JsonOutput.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.install-service/1");
            w.WriteBoolean("dry_run", dryRun);
            w.WriteString("unit_path", path);
            w.WriteString("exec_start", exec);
            w.WriteBoolean("systemd_running", systemd);
            if (unit is not null)
            {
                w.WriteString("unit", unit);
            }
            w.WriteStartArray("systemctl");
            foreach (var (args, ok) in systemd ? calls : [])
            {
                w.WriteStartObject();
                w.WriteString("command", "systemctl " + string.Join(' ', args));
                if (ok is { } done)
                {
                    w.WriteBoolean("ok", done);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
