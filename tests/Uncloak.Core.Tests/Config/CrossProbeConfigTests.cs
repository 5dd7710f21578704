using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Config;

/// <summary>A probe's <c>of: HOST/PROBE</c>: a cross-probe of another fleet host's service (issue 13, item 4).</summary>
public sealed class CrossProbeConfigTests
{
    [Fact]
    public void A_probe_with_of_is_a_cross_probe_and_one_without_is_this_hosts_own()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            probes:
              - { name: web-02-site, tcp: "198.18.0.2:443", of: web-02/site }
              - { name: site, http: "http://127.0.0.1/" }
            """);
        Assert.Equal(["web-02/site", null], config.Probes.Select(p => p.Of));
    }

    [Fact]
    public void An_of_that_is_not_host_slash_probe_and_a_remedy_on_a_cross_probe_are_errors_with_their_lines()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            probes:
              - { name: a, tcp: "198.18.0.2:443", of: web-02 }
              - { name: b, tcp: "198.18.0.2:443", of: "web 02/site" }
              - name: c
                tcp: "198.18.0.2:443"
                of: web-02/site
                on_outage: { restart_unit: nginx.service }
            """));
        Assert.Contains(e.Errors, x => x.Line == 2 && x.Message.Contains("'of' must be HOST/PROBE", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Line == 3 && x.Message.Contains("'of' must be HOST/PROBE", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Line == 7 && x.Message.Contains("cannot restart anything here", StringComparison.Ordinal));
        Assert.Equal(3, e.Errors.Count);
    }
}
