using Uncloak.Core.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("90m", 90 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("2w", 14 * 86400)]
    [InlineData("30s", 30)]
    [InlineData("1h30m", 5400)]
    public void Admin_durations_parse(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("0m")]
    [InlineData("5y")]
    [InlineData("-1h")]
    [InlineData("h")]
    [InlineData("99999999999d")]
    public void Durations_without_unit_zero_or_absurd_are_rejected(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("0m")]
    [InlineData("0")]
    public void Zero_parses_only_where_the_caller_says_it_means_something(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
        Assert.True(DurationText.TryParse(text, out var zero, allowZero: true));
        Assert.Equal(TimeSpan.Zero, zero);
        Assert.False(DurationText.TryParse("-0s", out _, allowZero: true));
        Assert.False(DurationText.TryParse("00", out _, allowZero: true));
    }

    [Theory]
    [InlineData(5400, "1h30m")]
    [InlineData(604800, "7d")]
    [InlineData(45, "45s")]
    public void Durations_format_in_their_shortest_exact_form(int seconds, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));
    }
}
