using System.CommandLine;
using Uncloak.Cli.Commands.Watch;
using Uncloak.Config;

namespace Uncloak.Cli.Commands.Config;

/// <summary>`uncloak config check`: validate uncloak.yaml and every scenario and profile, reporting all errors with file:line.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Daemon configuration to check (default: /etc/uncloak/uncloak.yaml; absent means defaults).", HelpName = "FILE" };
        var scenarios = new Option<string[]>("--scenarios") { Description = "Extra scenario folder, as for watch (repeatable).", HelpName = "DIR" };
        var json = CommonOptions.Json();
        var check = new Command("check",
            "Validate the daemon configuration and the scenarios it would load (shipped defaults, then /etc/uncloak/scenarios.d, then " +
            "--scenarios): unknown keys, bad values, profiles that do not exist, bans on spoofable events. Every error is listed as " +
            "FILE:LINE:COLUMN: message, all at once; --json gives them as a document (\"schema\": \"uncloak.config.check/1\").\n\nExit codes: 0 valid, 2 invalid.\n\nExample:\n  uncloak config check && systemctl reload uncloak")
        {
            config, scenarios, json,
        };
        check.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var errors = new List<ConfigError>();
            WatchConfig? watch = null;
            string path = result.GetValue(config) ?? WatchConfig.DefaultPath;
            try
            {
                watch = WatchConfigLoader.LoadFile(path, mustExist: result.GetValue(config) is not null);
            }
            catch (ConfigException e)
            {
                errors.AddRange(e.Errors);
            }
            DetectionConfig? detection = null;
            var folders = WatchPaths.ScenarioFolders(watch?.ScenarioFolders ?? new WatchConfig().ScenarioFolders, result.GetValue(scenarios) ?? []);
            try
            {
                detection = ScenarioLoader.LoadFolders(folders);
            }
            catch (ConfigException e)
            {
                errors.AddRange(e.Errors);
            }
            if (result.GetValue(json))
            {
                Rendering.JsonOutput.Write(output, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("schema", "uncloak.config.check/1");
                    w.WriteString("config", path);
                    w.WriteBoolean("config_exists", File.Exists(path));
                    w.WriteBoolean("valid", errors.Count == 0);
                    w.WriteStartArray("errors");
                    foreach (var e in errors)
                    {
                        w.WriteStartObject();
                        w.WriteString("file", e.File);
                        w.WriteNumber("line", e.Line);
                        w.WriteNumber("column", e.Column);
                        w.WriteString("message", e.Message);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("scenarios");
                    foreach (var sc in detection?.Scenarios ?? [])
                    {
                        w.WriteStartObject();
                        w.WriteString("name", sc.Name);
                        w.WriteStartArray("kinds");
                        sc.Filter.Kinds.ToList().ForEach(k => w.WriteStringValue(Core.Events.EventKinds.Name(k)));
                        w.WriteEndArray();
                        w.WriteString("group_by", sc.GroupBy.ToString().ToLowerInvariant());
                        w.WriteNumber("capacity", sc.Capacity);
                        w.WriteNumber("leak_every_seconds", sc.LeakEvery.TotalSeconds);
                        w.WriteString("profile", sc.Profile);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return errors.Count > 0 ? ExitCodes.UsageOrInput : ExitCodes.Ok;
            }
            if (errors.Count > 0)
            {
                foreach (var e in errors)
                {
                    error.WriteLine(e.ToString());
                }
                error.WriteLine($"{errors.Count} error{(errors.Count == 1 ? "" : "s")}: configuration is invalid (a running daemon keeps its old one on reload).");
                return ExitCodes.UsageOrInput;
            }
            output.WriteLine($"{(File.Exists(path) ? path : path + " (absent: defaults)")}: ok");
            output.WriteLine($"scenarios from {string.Join(", ", folders.Where(Directory.Exists))}: {detection!.Scenarios.Count} active");
            foreach (var s in detection.Scenarios)
            {
                output.WriteLine($"  {s.Name,-22} {string.Join(",", s.Filter.Kinds.Select(k => Core.Events.EventKinds.Name(k))),-32} by {s.GroupBy.ToString().ToLowerInvariant(),-10} capacity {s.Capacity}, leak 1/{Core.Decisions.DurationText.Format(s.LeakEvery)} → {s.Profile}");
            }
            return ExitCodes.Ok;
        });
        return new Command("config", "Check the configuration: 'uncloak config check'.") { check };
    }
}
