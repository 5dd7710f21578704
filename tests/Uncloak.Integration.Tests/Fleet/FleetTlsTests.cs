using Xunit;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// Issue 13 item 5: the documented TLS setup (docs/fleet.md, config/fleet/nats-N.conf) on a real 3-node cluster — a
/// private CA and certificates made with openssl, client certificates required, TLS routes — carries bans between
/// agents, and an agent without a client certificate is refused with a clear error while it keeps defending alone.
/// </summary>
public sealed class FleetTlsTests
{
    private const string Peer = "198.18.1.2";

    [RootFact]
    public void Bans_travel_over_the_documented_tls_setup_and_an_agent_without_a_client_certificate_is_refused()
    {
        using var lab = new FleetLab(tls: true);
        lab.StartAgent("a");
        lab.StartAgent("b");
        Assert.Contains("fleet connected", lab.Agent("b").Log, StringComparison.Ordinal);

        var add = lab.Uncloak("a", "bans", "add", Peer, "--for", "1h");
        Assert.True(add.ExitCode == 0, add.ToString());
        WatchDeadline.Until(() => lab.KernelSet("b").Contains(Peer), TimeSpan.FromSeconds(20), () => $"the ban on b over TLS: {lab.Agent("b").Log}\nnats: {lab.NatsLogs()}");

        // c trusts the CA but has no certificate of its own: the servers (verify: true) refuse it; the daemon stays up.
        var c = lab.StartAgent("c", waitConnected: false, clientCertificate: false);
        WatchDeadline.Until(() => c.Log.Contains("fleet unavailable", StringComparison.Ordinal) || c.HasExited, TimeSpan.FromSeconds(60), () => "c's refusal: " + c.Log);
        Assert.False(c.HasExited, c.Log);
        Assert.DoesNotContain("fleet connected", c.Log, StringComparison.Ordinal);
        Assert.Contains("TLS", lab.NatsLogs(), StringComparison.OrdinalIgnoreCase);
    }
}
