using Uncloak.Linux.Files;
using Xunit;

namespace Uncloak.Core.Tests.Files;

/// <summary>Tapering ranges cover the file exactly, start at lines, shrink towards the end and keep within their bounds.</summary>
public sealed class FileRangesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-ranges-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A file of numbered lines of uneven length (10 to 99 bytes each), <paramref name="size"/> bytes or a line more.</summary>
    private string Lines(long size)
    {
        string path = Path.Combine(_dir, "lines.log");
        using var file = new StreamWriter(path);
        for (int i = 0; file.BaseStream.Position < size; i++)
        {
            file.Write($"{i:D8} ");
            file.Write(new string('x', i * 7919 % 90));
            file.Write('\n');
            file.Flush();
        }
        return path;
    }

    [Fact]
    public void Ranges_cover_the_file_line_by_line_and_shrink_to_the_smallest()
    {
        string path = Lines(1_000_000);
        byte[] bytes = File.ReadAllBytes(path);
        var ranges = FileRanges.Taper(path, workers: 2, largestPart: 100_000, smallestPart: 20_000);

        long next = 0;
        foreach (var (start, length) in ranges)
        {
            Assert.Equal(next, start);
            Assert.True(start == 0 || bytes[start - 1] == '\n', $"range at {start} starts mid-line");
            next = start + length;
        }
        Assert.Equal(bytes.Length, next);
        // rest / 4 capped at 100 kB: the first ranges are the largest (a line past it at most), then they shrink
        // towards 20 kB; none but the last (which takes the tail) is under the smallest.
        Assert.InRange(ranges[0].Length, 100_000, 100_100);
        for (int i = 1; i < ranges.Length - 1; i++)
        {
            Assert.True(ranges[i].Length <= ranges[i - 1].Length + 100, $"range {i} grew: {ranges[i - 1].Length} → {ranges[i].Length}");
            Assert.InRange(ranges[i].Length, 20_000 - 100, 100_100);
        }
        Assert.InRange(ranges[^2].Length, 20_000 - 100, 20_100);
        Assert.InRange(ranges[^1].Length, 1, 40_100);
    }

    [Fact]
    public void A_file_under_two_smallest_ranges_or_one_worker_is_one_range()
    {
        string path = Lines(30_000);
        long size = new FileInfo(path).Length;
        Assert.Equal([(0L, size)], FileRanges.Taper(path, workers: 2, largestPart: 10_000, smallestPart: 16_000));
        Assert.Equal([(0L, size)], FileRanges.Taper(path, workers: 1, largestPart: 10_000, smallestPart: 1_000));
    }

    [Fact]
    public void A_line_longer_than_a_range_stays_whole_in_one()
    {
        string path = Path.Combine(_dir, "long.log");
        File.WriteAllText(path, "short\n" + new string('y', 300_000) + "\nshort\n" + new string('z', 50_000) + "\n");
        var ranges = FileRanges.Taper(path, workers: 2, largestPart: 20_000, smallestPart: 10_000);
        Assert.Equal([(0L, 300_007L), (300_007L, 50_007L)], ranges);
    }
}
