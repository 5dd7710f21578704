using System.CommandLine;

namespace Uncloak.Cli.Commands.Incidents;

/// <summary>`uncloak incidents`: the captured outages; each verb lives in its own file.</summary>
public static class IncidentsCommand
{
    public static Command Create() => new("incidents",
        "The incidents the daemon captured: when a probe's outage opens (and again when it ends) 'uncloak watch' writes an " +
        "incident bundle — socket table, counters before/during/after, qdisc and NIC statistics, neighbours and routes, the " +
        "kernel lines and probe results of those minutes — and names the layer the fault was in (application, host, shaper, " +
        "nic, lan, upstream or unknown). 'uncloak capture' writes one on demand.\n\n" +
        "Bundles live in the config's forensics dir (default: incidents/ beside the store), 0700/0600, within its 'keep' and " +
        "'max_bytes'. 'uncloak analyze BUNDLE' reads one again, here or on another machine, and gives the same verdict.")
    {
        IncidentsListCommand.Create(),
        IncidentsShowCommand.Create(),
        IncidentsExportCommand.Create(),
        IncidentsPruneCommand.Create(),
    };
}
