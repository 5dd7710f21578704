using System.CommandLine;

namespace Uncloak.Cli.Commands.Fleet;

/// <summary>`uncloak fleet`: the noun; each verb lives in its own file.</summary>
public static class FleetCommand
{
    public static Command Create() => new("fleet",
        "The fleet: servers sharing bans over a NATS JetStream cluster ('fleet:' in uncloak.yaml; docs/fleet.md). A ban " +
        "decided on one server reaches the others within about a second, and each applies it through its own safety rules " +
        "(stored with origin fleet:HOST).")
    {
        FleetStatusCommand.Create(),
        FleetReportCommand.Create(),
    };
}
