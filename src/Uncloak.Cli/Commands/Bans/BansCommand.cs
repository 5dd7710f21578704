using System.CommandLine;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans`: the noun; each verb lives in its own file.</summary>
public static class BansCommand
{
    public static Command Create() => new("bans",
        "Ban and unban peers in the kernel firewall, with the store as the truth.\n\n" +
        "Bans go to nftables table 'inet uncloak' (sets ban4/ban6 for addresses, ban4net/ban6net for networks, chain 'bans' " +
        "at prerouting priority raw, so they also cover forwarded and container traffic and cost no conntrack entry), or to " +
        "ipsets uncloak-* with iptables where nftables is missing. Nothing else in your firewall is touched. Every ban carries " +
        "its own timeout in the kernel, so it ends on time even if Uncloak is not running, and 'bans sync' restores the store's " +
        "bans after a reboot.\n\n" +
        "Safety: loopback, this host's own addresses, its default gateways, your SSH client and allowlisted networks are never " +
        "banned; refusals are recorded and shown. IPv6 addresses are banned as their /64.")
    {
        BansAddCommand.Create(),
        BansDelCommand.Create(),
        BansListCommand.Create(),
        BansFlushCommand.Create(),
        BansImportCommand.Create(),
        BansExportCommand.Create(),
        BansSyncCommand.Create(),
    };
}
