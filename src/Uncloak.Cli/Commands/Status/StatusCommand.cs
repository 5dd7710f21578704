using System.CommandLine;
using System.Text.Json;
using Uncloak.Cli.Rendering;
using Uncloak.Daemon.Control;

namespace Uncloak.Cli.Commands.Status;

/// <summary>`uncloak status`: asks the running daemon over its control socket how it is.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var control = new Option<string>("--control")
        {
            Description = $"The daemon's control socket (default {ControlServer.DefaultPath}; the daemon's 'control' key or --control).",
            HelpName = "PATH",
            DefaultValueFactory = _ => ControlServer.DefaultPath,
        };
        var json = CommonOptions.Json();
        var command = new Command("status",
            "Ask the running daemon ('uncloak watch') how it is: version and uptime; each source with records read, lag, gaps and " +
            "restarts; each scenario with the events it counted, the groups filling its buckets and the actions it asked for; the " +
            "bans in force by origin and scenario; probes up or down, open outages; the last alerts. The daemon answers on a " +
            "root-only unix socket, so run it as root.\n\n" +
            "Exit codes: 0 the daemon runs and every probe is up, 1 a probe is down or an outage is open, 3 no daemon answers " +
            "(not running, not root, or the socket is elsewhere: --control).\n\n" +
            "Examples:\n  sudo uncloak status\n  sudo uncloak status --json | jq '.scenarios[] | select(.events > 0)'")
        {
            control, json,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string path = result.GetValue(control)!;
            byte[] reply;
            try
            {
                reply = await ControlClient.AskAsync(path, "status", TimeSpan.FromSeconds(10), cancel).ConfigureAwait(false);
            }
            catch (ControlUnavailableException e)
            {
                await error.WriteLineAsync("uncloak status: " + e.Message + " (is 'uncloak watch' running? 'systemctl status uncloak')").ConfigureAwait(false);
                return ExitCodes.Environment;
            }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(reply);
            }
            catch (JsonException e)
            {
                await error.WriteLineAsync($"uncloak status: the answer on {path} is not JSON ({e.Message}): not an uncloak daemon?").ConfigureAwait(false);
                return ExitCodes.Environment;
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schema", out var schema) || schema.GetString() != "uncloak.status/1")
                {
                    string why = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e.GetString() ?? "" : "an unknown document";
                    await error.WriteLineAsync($"uncloak status: the daemon on {path} answered: {why}").ConfigureAwait(false);
                    return ExitCodes.Environment;
                }
                if (result.GetValue(json))
                {
                    JsonOutput.Write(output, w => root.WriteTo(w));
                }
                else
                {
                    StatusRenderer.Render(root, output);
                }
                return StatusRenderer.Healthy(root) ? ExitCodes.Ok : ExitCodes.Findings;
            }
        });
        return command;
    }
}
