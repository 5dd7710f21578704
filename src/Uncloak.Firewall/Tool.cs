using Uncloak.Linux.Processes;

namespace Uncloak.Firewall;

/// <summary>
/// Firewall programs (nft when libnftables is absent, iptables, ipset, setsid) through the one external-command runner,
/// <see cref="CommandRunner"/>, with the firewall's time limit; a missing program or a time-out is a <see cref="FirewallException"/>.
/// </summary>
public static class Tool
{
    /// <summary>How long one firewall program may run: a 100k-element ipset restore takes about a second.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>The program on PATH or in the sbin folders, or null when it is not installed.</summary>
    public static string? Locate(string name) => CommandRunner.Locate(name);

    /// <summary>Runs <paramref name="program"/> with an argument array and optional stdin; a non-zero exit is returned, not thrown.</summary>
    public static CommandResult Run(string program, IEnumerable<string> args, byte[]? stdin = null)
    {
        CommandResult result;
        try
        {
            result = CommandRunner.Run(program, args, Limit, stdin);
        }
        catch (CommandException e)
        {
            throw new FirewallException(e.Message, e);
        }
        return result.TimedOut ? throw new FirewallException($"{program} {string.Join(' ', args)} did not finish in {Limit.TotalSeconds:0} s") : result;
    }
}
