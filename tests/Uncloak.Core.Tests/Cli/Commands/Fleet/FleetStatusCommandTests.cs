using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>`fleet status` on the paths that end before a cluster answers (the cluster itself is for the integration tests).</summary>
public sealed class FleetStatusCommandTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_config_without_a_fleet_section_is_a_usage_error_that_says_so()
    {
        var config = Path.Combine(_dir, "u.yaml");
        File.WriteAllText(config, "simulate: false\n");
        var (exit, _, err) = CliRun.Run("fleet", "status", "--config", config);
        Assert.Equal(2, exit);
        Assert.Contains("has no 'fleet:' section", err);
    }

    [Fact]
    public void An_invalid_fleet_section_is_reported_with_its_line()
    {
        var config = Path.Combine(_dir, "u.yaml");
        File.WriteAllText(config, "fleet:\n  servers: [http://198.18.200.1:4222]\n");
        var (exit, _, err) = CliRun.Run("fleet", "status", "--config", config);
        Assert.Equal(2, exit);
        Assert.Contains("u.yaml:2:", err);
        Assert.Contains("not a NATS server URL", err);
    }

    [Fact]
    public void A_cluster_that_cannot_be_reached_is_an_environment_error_naming_the_servers()
    {
        // A loopback port nobody listens on: bound, then released, so the connect is refused at once.
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var config = Path.Combine(_dir, "u.yaml");
        File.WriteAllText(config, $"fleet:\n  servers: [\"nats://u:hunter2@127.0.0.1:{port}\"]\n  host: web-01\n");
        var (exit, _, err) = CliRun.Run("fleet", "status", "--config", config);
        Assert.Equal(3, exit);
        Assert.Contains($"cannot read the fleet from nats://127.0.0.1:{port}:", err);
        Assert.DoesNotContain("hunter2", err, StringComparison.Ordinal);
    }
}
