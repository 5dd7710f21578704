using System.CommandLine;
using Uncloak.Config;
using Uncloak.Web.Auth;

namespace Uncloak.Cli.Commands.Web;

/// <summary>`uncloak web url`: the dashboard's login link, from the token the running daemon wrote.</summary>
public static class WebUrlCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "The daemon's configuration, for 'web.listen' and 'web.token_file' (default: /etc/uncloak/uncloak.yaml).", HelpName = "FILE" };
        var tokenFile = new Option<string?>("--token-file") { Description = $"Read the token here instead (default: the config's 'web.token_file', {WebConfig.DefaultTokenFile}).", HelpName = "PATH" };
        var json = CommonOptions.Json();
        var command = new Command("url",
            "Print the link that logs a browser into the dashboard: http://LISTEN/login?token=TOKEN. The daemon writes a new random " +
            "token (256 bits, root-only file) each time it starts; opening the link trades it for a session cookie (HttpOnly, " +
            "SameSite=Strict), so the token leaves the address bar at once. Over SSH, forward the port first: " +
            "ssh -L 9477:127.0.0.1:9477 HOST.\n\n" +
            "Exit codes: 0 printed, 2 bad configuration, 3 no token (the daemon is not running with the dashboard on, or you are not root).\n\n" +
            "Examples:\n  sudo uncloak web url\n  xdg-open \"$(sudo uncloak web url)\"")
        {
            config, tokenFile, json,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            WebConfig web;
            try
            {
                string? path = result.GetValue(config);
                web = WatchConfigLoader.LoadFile(path ?? WatchConfig.DefaultPath, mustExist: path is not null).Web;
            }
            catch (ConfigException e)
            {
                e.Errors.ToList().ForEach(err => error.WriteLine("uncloak web url: " + err));
                return ExitCodes.UsageOrInput;
            }
            string file = result.GetValue(tokenFile) ?? web.TokenFile;
            string? token;
            try
            {
                token = WebToken.Read(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak web url: cannot read the token at {file}: {e.Message} (is 'uncloak watch --web on' running? are you root?)");
                return ExitCodes.Environment;
            }
            if (token is null)
            {
                error.WriteLine($"uncloak web url: {file} is empty");
                return ExitCodes.Environment;
            }
            string url = $"http://{web.Listen}/login?token={token}";
            if (result.GetValue(json))
            {
                Rendering.JsonOutput.Write(output, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("schema", "uncloak.web.url/1");
                    w.WriteString("url", url);
                    w.WriteString("token_file", file);
                    w.WriteEndObject();
                });
            }
            else
            {
                output.WriteLine(url);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
