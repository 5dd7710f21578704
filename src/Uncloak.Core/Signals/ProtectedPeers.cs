using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>
/// Peers whose connections Uncloak never kills: loopback, the machine's own addresses, the SSH client of the session
/// running the command, and configured networks. Each entry keeps the reason it is protected, for the refusal message.
/// </summary>
public sealed class ProtectedPeers
{
    private readonly List<(PeerPrefix Prefix, string Reason)> _entries = [];

    public ProtectedPeers Add(PeerPrefix prefix, string reason)
    {
        _entries.Add((prefix, reason));
        return this;
    }

    public IReadOnlyList<(PeerPrefix Prefix, string Reason)> Entries => _entries;

    /// <summary>
    /// Builds the standard list. <paramref name="sshConnection"/> and <paramref name="sshClient"/> are the values of the
    /// SSH_CONNECTION (<c>client port server port</c>) and SSH_CLIENT (<c>client port port</c>) variables; the client is their first word.
    /// </summary>
    public static ProtectedPeers Standard(IEnumerable<NetAddress> ownAddresses, string? sshConnection, string? sshClient, IEnumerable<PeerPrefix> configured)
    {
        var p = new ProtectedPeers();
        p.Add(new PeerPrefix(NetAddress.Parse("127.0.0.0"), 8), "loopback");
        p.Add(PeerPrefix.Single(NetAddress.Parse("::1")), "loopback");
        foreach (var a in ownAddresses)
        {
            p.Add(PeerPrefix.Single(a), "one of this machine's own addresses");
        }
        foreach (var (value, name) in new[] { (sshConnection, "SSH_CONNECTION"), (sshClient, "SSH_CLIENT") })
        {
            var first = value?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is not null && AddressText.TryParse(first, out var client))
            {
                p.Add(PeerPrefix.Single(client), $"the SSH client of this session ({name})");
            }
        }
        foreach (var c in configured)
        {
            p.Add(c, "allowlisted with --allow");
        }
        return p;
    }

    /// <summary>Why <paramref name="peer"/> is protected, or null when it is not.</summary>
    public string? ReasonFor(NetAddress peer)
    {
        foreach (var (prefix, reason) in _entries)
        {
            if (prefix.Contains(peer))
            {
                return reason;
            }
        }
        return null;
    }
}
