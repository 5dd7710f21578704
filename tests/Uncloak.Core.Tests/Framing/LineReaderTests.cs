using System.Text;
using Uncloak.Core.Framing;
using Xunit;

namespace Uncloak.Core.Tests.Framing;

public sealed class LineReaderTests
{
    [Fact]
    public void Lines_and_offsets_survive_buffer_refills()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 50_000; i++)
        {
            sb.Append("line ").Append(i).Append('\n');
        }
        var bytes = Encoding.ASCII.GetBytes(sb.ToString());
        var reader = new LineReader(new MemoryStream(bytes), bufferSize: 1024);
        int n = 0;
        while (reader.TryReadLine(out var line, out long offset, out bool overlong))
        {
            Assert.False(overlong);
            Assert.Equal($"line {n}", Encoding.ASCII.GetString(line));
            Assert.Equal((byte)'l', bytes[offset]);
            n++;
        }
        Assert.Equal(50_000, n);
        Assert.Equal(bytes.Length, reader.Position);
    }

    [Fact]
    public void A_one_megabyte_line_is_reported_as_overlong_and_skipped()
    {
        var bytes = Encoding.ASCII.GetBytes("before\n" + new string('x', 1 << 20) + "\nafter");
        var reader = new LineReader(new MemoryStream(bytes));
        var seen = new List<(string, bool)>();
        while (reader.TryReadLine(out var line, out _, out bool overlong))
        {
            seen.Add((overlong ? "" : Encoding.ASCII.GetString(line), overlong));
        }
        Assert.Equal([("before", false), ("", true), ("after", false)], seen);
    }
}
