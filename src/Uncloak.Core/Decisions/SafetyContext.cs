using Uncloak.Core.Events;

namespace Uncloak.Core.Decisions;

/// <summary>
/// What must never be banned on this machine: its own addresses, its gateways, the admin's SSH client,
/// and the configured allowlist. Gathered from the host at start-up (Uncloak.Firewall's HostFacts) and
/// passed in, so the rules themselves stay pure.
/// </summary>
public sealed record SafetyContext
{
    public static SafetyContext Empty { get; } = new();

    public IReadOnlyList<NetAddress> OwnAddresses { get; init; } = [];

    public IReadOnlyList<NetAddress> Gateways { get; init; } = [];

    /// <summary>Address(es) of the SSH session running the command (from SSH_CONNECTION or SSH_CLIENT).</summary>
    public IReadOnlyList<NetAddress> SshClients { get; init; } = [];

    /// <summary>Configured networks that are always allowed (management, monitoring).</summary>
    public IReadOnlyList<BanTarget> Allowlist { get; init; } = [];

    /// <summary>
    /// Reads the client address from OpenSSH's environment: <c>SSH_CONNECTION</c> is
    /// "client_ip client_port server_ip server_port", <c>SSH_CLIENT</c> is "client_ip client_port server_port"; the
    /// client may carry an IPv6 zone or be IPv4-mapped (<see cref="AddressText"/>).
    /// Malformed values yield nothing (the variables are informational, never trusted to be present).
    /// </summary>
    public static IReadOnlyList<NetAddress> SshClientsFrom(string? sshConnection, string? sshClient)
    {
        var found = new List<NetAddress>(2);
        foreach (var value in new[] { sshConnection, sshClient })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }
            var first = value.Trim().Split(' ', 2)[0];
            // OpenSSH writes the zone of a link-local client (fe80::99%w0): without parsing it the admin was unprotected.
            if (AddressText.TryParse(first, out var address) && !found.Contains(address))
            {
                found.Add(address);
            }
        }
        return found;
    }
}
