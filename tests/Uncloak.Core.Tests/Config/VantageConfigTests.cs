using Uncloak.Config;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Config;

/// <summary>A probe's <c>vantage:</c> block (issue 12, item 1).</summary>
public sealed class VantageConfigTests
{
    [Fact]
    public void A_probe_with_vantage_points_reads_self_gateway_and_upstream_targets()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            probes:
              - name: site
                http: http://127.0.0.1:8080/
                vantage:
                  self: "198.18.0.1:8080"
                  upstream: [198.18.3.1, "198.18.3.1:80", "[2001:2::3]:443", "2001:2::3"]
            """);
        var v = Assert.Single(config.Probes).Vantage!;
        Assert.Equal(NetAddress.Parse("198.18.0.1"), v.Self!.Value.Address);
        Assert.Equal(8080, v.Self.Value.Port);
        Assert.True(v.Gateway); // on unless turned off
        Assert.Equal(["198.18.3.1", "198.18.3.1:80", "[2001:2::3]:443", "2001:2::3"], v.Upstream.Select(u => u.ToString()));
        Assert.Equal([true, false, false, true], v.Upstream.Select(u => u.IsIcmp));
    }

    [Fact]
    public void A_probe_without_vantage_has_none()
    {
        var config = WatchConfigLoader.Load("u.yaml", "probes: [{ name: ssh, tcp: \"127.0.0.1:22\" }]");
        Assert.Null(Assert.Single(config.Probes).Vantage);
    }

    [Fact]
    public void The_gateway_probe_can_be_turned_off()
    {
        var config = WatchConfigLoader.Load("u.yaml", "probes: [{ name: s, tcp: \"127.0.0.1:22\", vantage: { gateway: false, upstream: [198.18.3.1] } }]");
        Assert.False(Assert.Single(config.Probes).Vantage!.Gateway);
    }

    [Fact]
    public void Names_ports_without_an_address_and_unknown_keys_are_errors_with_their_lines()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            probes:
              - name: site
                tcp: "127.0.0.1:80"
                vantage:
                  self: 198.18.0.1
                  upstream:
                    - example.net
                    - "2001:2::3:443"
                  gatway: true
            """));
        Assert.Contains(e.Errors, x => x.Line == 5 && x.Message.Contains("'self' must be the service's address and port", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Line == 7 && x.Message.Contains("'example.net' is not an address", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Line == 9 && x.Message.Contains("gatway", StringComparison.Ordinal));
        // "2001:2::3:443" is a valid IPv6 address (ICMP), not an address with a port: the brackets decide.
        Assert.Equal(3, e.Errors.Count);
    }
}
