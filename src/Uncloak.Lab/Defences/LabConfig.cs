namespace Uncloak.Lab.Defences;

/// <summary>
/// The daemon configuration of the lab's "uncloak" defence: the shipped defaults (an absent key is the default, as in the
/// all-comments <c>config/uncloak.yaml</c>: the shipped scenarios and profiles, the default socket interval, thresholds and
/// ban limits) with only what cannot hold in a lab namespace changed. Each change says why.
/// </summary>
public static class LabConfig
{
    /// <summary>The name of the service probe <see cref="RenderWithProbes"/> adds: the outages of the fault runs are this probe's.</summary>
    public const string ServiceProbe = "service";

    /// <summary>
    /// The defaults of <see cref="Render"/> plus the lab's probes, as an admin would set them for this server: the service
    /// asked from outside (through <see cref="Topology.OutsideMonitor"/>, beyond the router), every second so a fault of a
    /// few seconds opens an outage, with its vantage points: the service on its own address from the host, the default
    /// gateway, and the client's address beyond the router as the upstream target. Everything else is shipped defaults
    /// (two failed checks make an outage; bundles are captured when it opens and ends).
    /// </summary>
    public static string RenderWithProbes(string storePath) =>
        Render(storePath) +
        $"""
        # the lab's probes: the service from outside (through the relay beyond the router) and its vantage points.
        probes:
          - name: {ServiceProbe}
            http: http://{Topology.OutsideMonitor.Endpoint}/
            interval: 1s
            timeout: 800ms
            vantage: {'{'} self: "{Topology.LabNames.ServerAddress}:{Topology.LabNames.HttpPort}", gateway: true, upstream: [{Topology.LabNames.ClientAddress}] {'}'}

        """;

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
        # no control socket: /run/uncloak/control.sock is the host's own daemon's (a namespace shares the filesystem);
        control: off

        """;
}
