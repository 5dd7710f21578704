using System.CommandLine;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab`: real attacks on a real server in network namespaces on this machine.</summary>
public static class LabCommand
{
    public static Command Create()
    {
        var command = new Command("lab",
            "Reproduce TCP-level attacks against a real web server on this machine and measure what each defence is worth.\n\n" +
            "The lab is four network namespaces: uncloak-srv (the victim: Apache httpd prefork when apache2 is installed, " +
            "otherwise a built-in Kestrel server, either way 16 workers), uncloak-atk (the attacker), uncloak-cli (a client " +
            "probing the server once per interval) and uncloak-net (the bridge joining them). Addresses come only from " +
            "198.18.0.0/15 and 2001:2::/48. The host's interfaces, routes, firewall and sysctls are never touched; every " +
            "attacker is bounded in packets and time and stops by itself.\n\n" +
            "  up      create the namespaces (removing leftovers first)\n" +
            "  down    remove them, also after a crash (found by name)\n" +
            "  status  what exists now\n" +
            "  run     one attack under one defence: availability, latency, counters, kills, bans\n" +
            "  matrix  attacks × defences side by side (--short for CI)\n" +
            "  faults  each fault (gateway, upstream, link, accept queue, SYN queue, shaper) under the daemon: the layer it names\n\n" +
            "Needs root. Exit codes: 0 ok, 2 usage error, 3 not root or the lab could not be built.");
        command.Add(LabUpCommand.Create());
        command.Add(LabDownCommand.Create());
        command.Add(LabStatusCommand.Create());
        command.Add(LabRunCommand.Create());
        command.Add(LabMatrixCommand.Create());
        command.Add(LabFaultsCommand.Create());
        return command;
    }
}
