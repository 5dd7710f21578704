using Uncloak.Fleet.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

public sealed class KeyTtlTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2.9.10", false)] // Debian bookworm's, what test.sh installs
    [InlineData("2.10.24", false)]
    [InlineData("2.11.0", true)]
    [InlineData("2.11.0-RC.2", true)]
    [InlineData("v2.12.1", true)]
    [InlineData("2.11.3+build.7", true)]
    [InlineData("3.0.0", true)]
    [InlineData("1.99.0", false)]
    [InlineData("2.11", true)]
    public void Servers_from_2_11_on_honour_per_message_ttl(string version, bool supported)
        => Assert.Equal(supported, KeyTtl.ServerSupports(version));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("2")]
    [InlineData("two.eleven")]
    [InlineData("2.x.0")]
    [InlineData("2.11.0.1")]
    [InlineData("-2.11.0")]
    [InlineData("2..11")]
    public void A_version_that_cannot_be_read_means_plain_puts(string? version)
        => Assert.False(KeyTtl.ServerSupports(version));

    [Theory]
    [InlineData("2.11.0", true, true)]
    [InlineData("2.11.0", false, false)] // a bucket made without limit markers rejects a put carrying the header
    [InlineData("2.9.10", true, false)]
    [InlineData("2.9.10", false, false)]
    public void Puts_carry_a_ttl_only_when_the_server_and_the_bucket_allow_it(string version, bool allows, bool usable)
        => Assert.Equal(usable, KeyTtl.Usable(version, allows));

    [Theory]
    [InlineData(3600_000, "3600s")]
    [InlineData(3600_001, "3601s")] // rounded up: the key never leaves the bucket before the ban ends
    [InlineData(1, "1s")] // the server's smallest
    [InlineData(999, "1s")]
    [InlineData(1000, "1s")]
    [InlineData(1001, "2s")]
    public void The_header_is_the_time_left_in_whole_seconds_rounded_up(long leftMs, string header)
        => Assert.Equal(header, KeyTtl.For(Now.AddMilliseconds(leftMs), Now));

    [Fact]
    public void A_ban_that_has_ended_gets_no_ttl_and_one_beyond_a_century_never_expires_on_the_server()
    {
        Assert.Null(KeyTtl.For(Now, Now));
        Assert.Null(KeyTtl.For(Now.AddSeconds(-5), Now));
        Assert.Equal("never", KeyTtl.For(DateTimeOffset.MaxValue, Now));
        Assert.Equal("never", KeyTtl.For(Now + KeyTtl.Longest + TimeSpan.FromSeconds(1), Now));
        Assert.Equal($"{(long)KeyTtl.Longest.TotalSeconds}s", KeyTtl.For(Now + KeyTtl.Longest, Now));
    }
}
