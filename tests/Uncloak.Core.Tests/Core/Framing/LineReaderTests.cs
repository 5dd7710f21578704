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
    public void A_buffer_handed_from_reader_to_reader_keeps_nothing_of_the_last_read()
    {
        var buffer = new byte[LineReader.MinimumBufferSize];
        var first = new LineReader(new MemoryStream(Encoding.ASCII.GetBytes(new string('x', 70_000) + "\nlong line\n")), buffer);
        while (first.TryReadLine(out _, out _, out _))
        {
        }
        var second = new LineReader(new MemoryStream(Encoding.ASCII.GetBytes("a\nbc")), buffer, startOffset: 500);
        var seen = new List<(string, long)>();
        while (second.TryReadLine(out var line, out long offset, out _))
        {
            seen.Add((Encoding.ASCII.GetString(line), offset));
        }
        Assert.Equal([("a", 500L), ("bc", 502L)], seen);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineReader(Stream.Null, new byte[LineReader.MinimumBufferSize - 1]));
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

    [Fact]
    public void Nul_runs_end_lines_are_skipped_across_refills_and_recorded()
    {
        var bytes = new List<byte>();
        bytes.AddRange("a\n"u8.ToArray());
        bytes.AddRange(new byte[300_000]);
        bytes.AddRange("b\nc"u8.ToArray());
        bytes.AddRange(new byte[5]);
        bytes.AddRange("\nd"u8.ToArray());
        var reader = new LineReader(new MemoryStream(bytes.ToArray()), bufferSize: 1024);
        var seen = new List<(string, long, bool)>();
        while (reader.TryReadLine(out var line, out long offset, out bool overlong))
        {
            Assert.False(overlong);
            seen.Add((Encoding.ASCII.GetString(line), offset, reader.LineDamaged));
        }
        Assert.Equal([("a", 0L, false), ("b", 300_002L, false), ("c", 300_004L, true), ("", 300_010L, false), ("d", 300_011L, false)], seen);
        Assert.Equal([new ByteRange(2, 300_000), new ByteRange(300_005, 5)], reader.DamagedRanges);
        Assert.Equal(2, reader.DamagedRangeCount);
        Assert.Equal(300_005, reader.DamagedBytes);
    }
}
