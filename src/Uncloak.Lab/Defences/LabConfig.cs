namespace Uncloak.Lab.Defences;

/// <summary>
/// The daemon configuration of the lab's "uncloak" defence: the shipped defaults (an absent key is the default, as in the
/// all-comments <c>config/uncloak.yaml</c>: the shipped scenarios and profiles, the default socket interval, thresholds and
/// ban limits) with only what cannot hold in a lab namespace changed. Each change says why.
/// </summary>
public static class LabConfig
{
    /// <summary>The YAML text for a daemon whose store is <paramref name="storePath"/>.</summary>
    public static string Render(string storePath) =>
        $"""
        # uncloak lab: the shipped defaults, except:
        # the store lives in the cell's temporary directory, not in this host's /var/lib/uncloak;
        store: {storePath}
        # no drop-in folders: /etc/uncloak/scenarios.d holds this host's overrides, not the shipped scenarios;
        scenarios: []
        # no /dev/kmsg: the kernel ring is the host's, shared by every namespace, so it carries the host's and other labs'
        # messages about the same benchmark addresses; the lab server's own evidence is its socket table (sock_diag);
        sources:
          kmsg: false
        # the nftables backend, explicitly: the lab measures bans in the server namespace's nftables set.
        firewall: nftables

        """;
}
