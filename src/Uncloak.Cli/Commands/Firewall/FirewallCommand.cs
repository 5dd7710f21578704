using System.CommandLine;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>`uncloak firewall`: the hardening policy; each verb lives in its own file.</summary>
public static class FirewallCommand
{
    public static Command Create() => new("firewall",
        "A hardening ruleset that cannot lock you out, in Uncloak's own nftables table (inet uncloak, chain 'guard'; nothing else " +
        "is touched). It drops conntrack-invalid packets, impossible TCP flag combinations (SYN+FIN, SYN+RST, FIN without ACK, " +
        "NULL, XMAS), bogon sources on the public interface, too-large or too-frequent pings per source, and connections beyond a " +
        "per-source limit on chosen ports — after accepting your management and monitoring networks first.\n\n" +
        "It never rate-limits SYNs: a SYN flood's sources are spoofed, so such a limit drops your real clients and finishes the " +
        "attacker's job; SYN cookies (net.ipv4.tcp_syncookies) are the answer, and 'plan' checks them.\n\n" +
        "Workflow: 'plan' shows the exact ruleset and its diff against what is loaded; 'apply' swaps it in atomically and rolls it back " +
        "by itself unless 'confirm' arrives in time (default 60 s), so a rule that cuts your SSH session undoes itself; 'rollback' " +
        "restores the previous state by hand; 'status' shows what is loaded, what each rule caught, and any pending confirmation.")
    {
        FirewallPlanCommand.Create(),
        FirewallApplyCommand.Create(),
        FirewallConfirmCommand.Create(),
        FirewallRollbackCommand.Create(),
        FirewallStatusCommand.Create(),
    };

    /// <summary>How to run this very program again (apphost, or dotnet + uncloak.dll), for the rollback timer.</summary>
    internal static IReadOnlyList<string> Self() => Uncloak.Linux.Processes.SelfCommand.Arguments();

    /// <summary>Needs root and libnftables/nft; returns an exit code other than Ok with the reason written.</summary>
    internal static int Require(string verb, TextWriter error, out Uncloak.Firewall.Nftables.INftables? nft)
    {
        nft = null;
        if (!Environment.IsPrivilegedProcess)
        {
            error.WriteLine($"uncloak firewall {verb}: reading and changing the firewall needs root (run it with sudo).");
            return ExitCodes.Environment;
        }
        nft = Uncloak.Firewall.Nftables.NftablesClient.Open();
        if (nft is null)
        {
            error.WriteLine($"uncloak firewall {verb}: nftables is not installed (install the nftables package; the policy needs nftables, the iptables backend only does bans).");
            return ExitCodes.Environment;
        }
        return ExitCodes.Ok;
    }
}
