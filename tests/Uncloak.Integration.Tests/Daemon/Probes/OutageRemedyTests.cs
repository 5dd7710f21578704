using Xunit;

namespace Uncloak.Integration.Tests.Daemon.Probes;

/// <summary>The interface-bounce remedy, inside a lab namespace (a veth pair of its own, created inside it; the host's interfaces are never touched).</summary>
public sealed class OutageRemedyTests
{
    [RootFact]
    public void An_outage_bounces_the_configured_interface_once_and_leaves_it_up()
    {
        using var lab = NetworkLab.Create();
        Command.Run("ip", "-n", lab.Server, "link", "add", "ucdummy0", "type", "veth", "peer", "name", "ucdummy1");
        Command.Run("ip", "-n", lab.Server, "link", "set", "ucdummy0", "up");
        var dir = Directory.CreateTempSubdirectory("uncloak-remedy-");
        var db = Path.Combine(dir.FullName, "u.db");
        var config = RefusedProbeDaemon.WriteConfig(dir.FullName, db, "peer", lab.PeerAddress, "bounce_interface: ucdummy0");
        DaemonProcess? daemon = null;
        try
        {
            daemon = DaemonProcess.StartIn(lab.Server, "watch", "--config", config);
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("remedy probe=peer", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the remedy: " + d.Log);
            WatchDeadline.Until(() => d.Log.Contains("automatic remedy gave up", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => "the give-up alert: " + d.Log);
            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
            var outcomes = RefusedProbeDaemon.RemedyOutcomes(db);
            Assert.Equal("attempt 1 of 1: exit 0", outcomes[0]);
            Assert.StartsWith("giving up after 1 attempts", outcomes[1], StringComparison.Ordinal);
            Assert.Equal(2, outcomes.Count);
            Assert.Contains("\"UP\"", Command.Run("ip", "-n", lab.Server, "-j", "link", "show", "ucdummy0"), StringComparison.Ordinal);
        }
        finally
        {
            daemon?.Dispose();
            dir.Delete(recursive: true);
        }
    }
}
