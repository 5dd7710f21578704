using Uncloak.Core.Decisions;
using Uncloak.Fleet.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

public sealed class FleetKeyTests
{
    [Theory]
    [InlineData("198.18.1.2", "web-01.198-18-1-2")]
    [InlineData("198.18.0.0/24", "web-01.198-18-0-0/24")]
    [InlineData("2001:2:0:a1::/64", "web-01.2001_2_0_a1__/64")]
    [InlineData("2001:2::7/128", "web-01.2001_2__7")]
    public void Keys_have_the_host_as_first_token_and_read_back_to_the_same_target(string target, string key)
    {
        var t = BanTarget.Parse(target, 128);
        Assert.Equal(key, FleetKey.For("web-01", t));
        Assert.True(FleetKey.TryParse(key, out var host, out var back));
        Assert.Equal("web-01", host);
        Assert.Equal(t, back);
    }

    [Theory]
    [InlineData("198-18-1-2")]
    [InlineData(".198-18-1-2")]
    [InlineData("web.01.198-18-1-2")]
    [InlineData("web-01.not-an-address")]
    [InlineData("web-01.198-18-1-2/33")]
    [InlineData("web-01.198-18-0-7/24")]
    public void Keys_this_format_does_not_produce_are_malformed(string key)
        => Assert.False(FleetKey.TryParse(key, out _, out _));
}
