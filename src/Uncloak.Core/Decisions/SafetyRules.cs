using Uncloak.Core.Events;

namespace Uncloak.Core.Decisions;

/// <summary>
/// The rules every ban passes before it reaches the kernel. A target is refused when it contains a protected
/// address (so 198.18.0.0/15 is refused on a host that owns 198.18.0.1) or overlaps an allowlisted network.
/// </summary>
public static class SafetyRules
{
    /// <summary>Returns <see cref="RefusalReason.None"/> when the ban is safe, otherwise the first rule it breaks and why, in words.</summary>
    public static (RefusalReason Reason, string Message) Check(BanTarget target, SafetyContext context)
    {
        var loopback = target.IsV4 ? new BanTarget(NetAddress.FromV4(0x7F00_0000), 8) : new BanTarget(NetAddress.Parse("::1"), 128);
        if (target.Overlaps(loopback))
        {
            return (RefusalReason.Loopback, $"refused to ban {target}: it covers loopback ({loopback}); the machine talks to itself there");
        }
        foreach (var own in context.OwnAddresses)
        {
            if (target.Contains(own))
            {
                return (RefusalReason.OwnAddress, $"refused to ban {target}: it covers {own}, one of this machine's own addresses");
            }
        }
        foreach (var gateway in context.Gateways)
        {
            if (target.Contains(gateway))
            {
                return (RefusalReason.Gateway, $"refused to ban {target}: it covers {gateway}, this machine's default gateway; banning it cuts the machine off");
            }
        }
        foreach (var ssh in context.SshClients)
        {
            if (target.Contains(ssh))
            {
                return (RefusalReason.SshClient, $"refused to ban {target}: it covers {ssh}, the address of your own SSH session (SSH_CONNECTION); you would lock yourself out");
            }
        }
        foreach (var allowed in context.Allowlist)
        {
            if (target.Overlaps(allowed))
            {
                return (RefusalReason.Allowlisted, $"refused to ban {target}: it overlaps the allowlisted network {allowed} (management or monitoring)");
            }
        }
        return (RefusalReason.None, "");
    }
}
