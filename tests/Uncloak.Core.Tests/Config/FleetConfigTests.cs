using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Config;

public sealed class FleetConfigTests
{
    [Fact]
    public void Without_a_fleet_section_the_host_is_alone()
        => Assert.Null(WatchConfigLoader.Load("u.yaml", "simulate: false\n").Fleet);

    [Fact]
    public void A_full_fleet_section_reads_into_the_record()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            fleet:
              servers: [nats://198.18.200.1:4222, "tls://nats-2.example:4222"]
              host: web-07
              nkey_seed_file: /etc/uncloak/fleet/web-07.nk
              tls: {ca: /etc/uncloak/fleet/ca.pem, cert: /etc/uncloak/fleet/web-07.pem, key: /etc/uncloak/fleet/web-07.key}
              share: {scenarios: [zero-window-hold, syn-flood]}
              accept: {origins: [web-01, web-02]}
              max_received_per_minute: 5000
              replicas: 3
              heartbeat: 1m
            """).Fleet;
        Assert.NotNull(config);
        Assert.Equal(["nats://198.18.200.1:4222/", "tls://nats-2.example:4222/"], config.Servers.Select(s => s.ToString()));
        Assert.Equal("web-07", config.Host);
        Assert.Equal("/etc/uncloak/fleet/web-07.nk", config.NkeySeedFile);
        Assert.Equal("/etc/uncloak/fleet/web-07.key", config.TlsKey);
        Assert.Equal(5000, config.MaxReceivedPerMinute);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Heartbeat);
        Assert.Equal(TimeSpan.FromMinutes(6), config.SilentAfter);
        Assert.Equal(FleetConfig.DefaultBucket, config.Bucket);
        Assert.True(config.Share.Passes("syn-flood", "watch"));
        Assert.False(config.Share.Passes(null, "cli"));
        Assert.True(config.Accept.Passes(null, "web-02"));
        Assert.False(config.Accept.Passes("syn-flood", "web-09"));
    }

    [Fact]
    public void Servers_are_shown_without_the_credentials_a_url_may_carry()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            fleet:
              servers: ["nats://web-07:s3cret@198.18.200.1:4222", "tls://nats-2.example:4222/"]
              host: web-07
            """).Fleet;
        Assert.NotNull(config);
        Assert.Equal("nats://198.18.200.1:4222, tls://nats-2.example:4222", config.ServersShown);
    }

    [Fact]
    public void Every_fleet_mistake_is_reported_at_once_with_its_line()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            fleet:
              servers: [http://198.18.200.1:4222]
              host: web.07
              user: uncloak
              nkey_seed_file: relative.nk
              tls: {cert: /etc/c.pem}
              max_received_per_minute: 0
              colour: blue
              heartbeat: 500ms
            """));
        var lines = e.Errors.Select(x => (x.Line, x.Message)).ToList();
        Assert.Contains(lines, l => l.Line == 2 && l.Message.Contains("not a NATS server URL", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 3 && l.Message.Contains("subject token", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 4 && l.Message.Contains("'user' and 'password' go together", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 2 && l.Message.Contains("choose one of", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 5 && l.Message.Contains("absolute path", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 6 && l.Message.Contains("'cert' and 'key' go together", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 7 && l.Message.Contains("from 1 to 1000000", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 8 && l.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 9 && l.Message.Contains("'heartbeat' must be from 1s to 10m", StringComparison.Ordinal));
        Assert.Equal(9, lines.Count);
    }

    [Fact]
    public void Servers_are_required()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", "fleet:\n  host: a\n"));
        Assert.Contains(e.Errors, x => x.Line == 2 && x.Message == "'servers' is required");
    }
}
