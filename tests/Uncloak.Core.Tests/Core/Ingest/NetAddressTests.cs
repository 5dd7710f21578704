using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Ingest;

public sealed class NetAddressTests
{
    [Theory]
    [InlineData("203.0.113.45", "203.0.113.45")]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0050", "2001:db8::50")]
    [InlineData("0000:0000:0000:0000:0000:ffff:cb00:712d", "203.0.113.45")]
    [InlineData("::ffff:203.0.113.45", "203.0.113.45")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("FE80::1", "fe80::1")]
    public void Addresses_parse_to_canonical_text(string text, string canonical)
    {
        Assert.True(NetAddress.TryParse(text, out var a));
        Assert.Equal(canonical, a.ToString());
    }

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1..2.3")]
    [InlineData("2001:db8::1::2")]
    [InlineData("2001:db8:1:2:3:4:5:6:7")]
    [InlineData(":1")]
    [InlineData("12345::1")]
    [InlineData("")]
    public void Invalid_addresses_are_rejected(string text) => Assert.False(NetAddress.TryParse(text, out _));

    [Fact]
    public void Prefixes_aggregate_ipv4_and_ipv6()
    {
        Assert.Equal("203.0.113.0", NetAddress.Parse("203.0.113.45").Prefix(24).ToString());
        Assert.Equal("2001:db8:1:2::", NetAddress.Parse("2001:db8:1:2:3:4:5:6").Prefix(64).ToString());
    }
}
