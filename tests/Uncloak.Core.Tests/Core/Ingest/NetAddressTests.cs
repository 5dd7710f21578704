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
        Span<byte> utf8 = stackalloc byte[45];
        Assert.True(a.TryFormat(utf8, out int written));
        Assert.Equal(canonical, System.Text.Encoding.ASCII.GetString(utf8[..written]));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("10.200.3.4")]
    [InlineData("198.18.0.1")]
    public void IPv4_formats_as_its_text_and_refuses_a_short_destination(string text)
    {
        var a = NetAddress.Parse(text);
        Span<byte> utf8 = stackalloc byte[15];
        Assert.True(a.TryFormat(utf8, out int written));
        Assert.Equal(text, System.Text.Encoding.ASCII.GetString(utf8[..written]));
        Assert.False(a.TryFormat(utf8[..(text.Length - 1)], out _));
        Assert.True(NetAddress.None.TryFormat(utf8, out written));
        Assert.Equal(0, written);
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
