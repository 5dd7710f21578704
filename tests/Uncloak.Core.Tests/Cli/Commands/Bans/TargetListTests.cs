using Uncloak.Cli.Commands.Bans;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

/// <summary>A whole file's text (what <c>bans import</c> reads) parses exactly as its lines read one by one.</summary>
public sealed class TargetListTests
{
    [Fact]
    public void A_files_text_gives_the_same_targets_and_line_numbers_as_its_lines_whatever_the_line_endings()
    {
        // The shipped bogons file (comments, networks of both families), then a blocklist with CRLF, a lone CR,
        // trailing fields, blank lines, two malformed lines and no final newline.
        string bogons = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "bogons"));
        string text = bogons + "198.18.0.5 # scanner\r\n\r\n198.18.0.6,2026-11-25\r198.18.0.300\n; note\n  2001:2::7  \nnot-an-address";
        var lines = new StringReader(text).ReadToEnd().Split(["\r\n", "\r", "\n"], StringSplitOptions.None);

        var fromText = TargetList.Parse(text, 64);
        var fromLines = TargetList.Parse(lines, 64);

        Assert.Equal(fromLines.Targets, fromText.Targets);
        Assert.Equal(fromLines.Errors, fromText.Errors);
        Assert.Equal(2, fromText.Errors.Count);
        Assert.Contains(fromText.Errors, e => e.EndsWith("'198.18.0.300' is not an address or CIDR network", StringComparison.Ordinal));
        Assert.Equal(["198.18.0.5", "198.18.0.6", "2001:2::/64"], fromText.Targets.TakeLast(3).Select(t => t.ToString()));
        Assert.Empty(TargetList.Parse("", 64).Targets);
    }
}
