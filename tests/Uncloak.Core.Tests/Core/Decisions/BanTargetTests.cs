using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class BanTargetTests
{
    [Theory]
    [InlineData("198.18.0.7", "198.18.0.7", 32)]
    [InlineData("198.18.0.0/24", "198.18.0.0/24", 24)]
    [InlineData("2001:2::1", "2001:2::/64", 64)]
    [InlineData("2001:2:0:5:1:2:3:4", "2001:2:0:5::/64", 64)]
    [InlineData("2001:2::1/128", "2001:2::1", 128)]
    [InlineData("2001:2::/48", "2001:2::/48", 48)]
    public void A_written_address_or_network_parses_to_its_normal_form(string text, string expected, int prefix)
    {
        var target = BanTarget.Parse(text);
        Assert.Equal(expected, target.ToString());
        Assert.Equal(prefix, target.PrefixLength);
    }

    [Theory]
    [InlineData("198.18.0.7")]
    [InlineData("0.0.0.0/0")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.0/15")]
    [InlineData("2001:2::1/128")]
    [InlineData("2001:2::/48")]
    [InlineData("::/0")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")]
    [InlineData("::ffff:198.18.0.7")]
    public void The_utf8_form_the_store_writes_is_the_text_form(string text)
    {
        var target = BanTarget.Parse(text, v6Prefix: 128);
        Span<byte> utf8 = stackalloc byte[BanTarget.MaxUtf8Length];
        Assert.True(target.TryFormatUtf8(utf8, out int written));
        Assert.Equal(target.ToString(), System.Text.Encoding.UTF8.GetString(utf8[..written]));
        // One byte short of the text is refused, never a truncated address.
        Assert.False(target.TryFormatUtf8(utf8[..(written - 1)], out _));
    }

    [Theory]
    [InlineData("198.18.0.7/24")]
    [InlineData("198.18.0.0/33")]
    [InlineData("198.18.0.0/")]
    [InlineData("nonsense")]
    [InlineData("2001:2::1/64")]
    [InlineData("")]
    public void Host_bits_below_the_prefix_or_garbage_are_rejected(string text)
    {
        Assert.False(BanTarget.TryParse(text, out _));
    }

    [Fact]
    public void A_bare_IPv6_address_is_aggregated_to_the_configured_prefix()
    {
        Assert.Equal("2001:2::/56", BanTarget.Parse("2001:2::99", v6Prefix: 56).ToString());
        Assert.Equal("2001:2::99", BanTarget.Parse("2001:2::99", v6Prefix: 128).ToString());
    }

    [Fact]
    public void A_network_contains_its_addresses_and_narrower_networks_but_not_other_families()
    {
        var net = BanTarget.Parse("198.18.4.0/22");
        Assert.True(net.Contains(NetAddress.Parse("198.18.7.255")));
        Assert.False(net.Contains(NetAddress.Parse("198.18.8.0")));
        Assert.True(net.Contains(BanTarget.Parse("198.18.5.0/24")));
        Assert.False(net.Contains(BanTarget.Parse("198.18.0.0/16")));
        Assert.True(net.Overlaps(BanTarget.Parse("198.18.0.0/16")));
        Assert.False(net.Contains(NetAddress.Parse("2001:2::1")));
    }
}
