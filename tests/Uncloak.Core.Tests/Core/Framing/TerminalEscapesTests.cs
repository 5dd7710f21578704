using System.Text;
using Uncloak.Core.Framing;
using Xunit;

namespace Uncloak.Core.Tests.Framing;

/// <summary>Colour codes of dmesg/journalctl and terminal captures are removed from a line, whatever is cut short.</summary>
public sealed class TerminalEscapesTests
{
    [Theory]
    [InlineData("\u001b[32m[ 1.000000] \u001b[0mTCP: x", "[ 1.000000] TCP: x")]
    [InlineData("\u001b[0;1;38;5;185mbold\u001b[0m", "bold")]
    [InlineData("\u001b]0;title\u0007after", "after")]
    [InlineData("\u001b]0;title\u001b\\after", "after")]
    [InlineData("a\u001b(Bb", "ab")]
    [InlineData("cut at the end \u001b[3", "cut at the end ")]
    [InlineData("lone escape at the end \u001b", "lone escape at the end ")]
    [InlineData("unterminated title \u001b]0;never ends", "unterminated title ")]
    [InlineData("no escapes at all", "no escapes at all")]
    public void Escape_sequences_are_removed_and_the_text_around_them_kept(string line, string plain)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var into = new byte[bytes.Length];
        Assert.Equal(plain, Encoding.UTF8.GetString(into, 0, TerminalEscapes.Strip(bytes, into)));
        Assert.Equal(line.Contains('\u001b', StringComparison.Ordinal), TerminalEscapes.Has(bytes));
    }
}
