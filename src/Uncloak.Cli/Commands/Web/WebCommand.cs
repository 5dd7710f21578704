using System.CommandLine;

namespace Uncloak.Cli.Commands.Web;

/// <summary>`uncloak web`: the daemon's dashboard (docs/web.md).</summary>
public static class WebCommand
{
    public static Command Create() => new("web",
        "The dashboard the daemon serves when 'web.enabled' is true or 'uncloak watch --web on': overview, bans (unban, extend, " +
        "ban), peers (why was this address banned?), outages, actions. It listens on 127.0.0.1:9477 beside /metrics and asks for " +
        "a login: 'uncloak web url' prints the link.")
    {
        WebUrlCommand.Create(),
    };
}
