using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Core.Rulesets;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

/// <summary>Issue 16, item 6: a cloud VM with a private address would drop its own load balancer's health checks.</summary>
public sealed class BogonOverlapTests
{
    private static readonly BanTarget[] Bogons = [BanTarget.Parse("10.0.0.0/8"), BanTarget.Parse("172.16.0.0/12"), BanTarget.Parse("fc00::/7", 128)];

    [Fact]
    public void A_bogon_covering_an_own_address_or_the_gateway_is_named_once_each()
    {
        var w = BogonOverlap.Warnings(Bogons,
            [NetAddress.Parse("10.0.3.7"), NetAddress.Parse("10.0.3.7"), NetAddress.Parse("198.18.0.1"), NetAddress.Parse("127.0.0.1")],
            [NetAddress.Parse("172.31.0.1")]);
        Assert.Equal(2, w.Count);
        Assert.Contains("10.0.0.0/8 covers this host's address 10.0.3.7", w[0], StringComparison.Ordinal);
        Assert.Contains("172.16.0.0/12 covers the gateway 172.31.0.1", w[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_on_public_addresses_gets_no_warning()
        => Assert.Empty(BogonOverlap.Warnings(Bogons, [NetAddress.Parse("198.18.0.1"), NetAddress.Parse("2001:2::1")], [NetAddress.Parse("198.18.0.254")]));
}
