namespace Uncloak.Linux.Files;

/// <summary>
/// Splits a plain file into newline-aligned byte ranges so several threads can read it at once. Each range
/// starts at the beginning of a line and ends just after a newline (the last one at the end of the file).
/// </summary>
public static class FileRanges
{
    /// <summary>
    /// Ranges that shrink towards the end of the file, for <paramref name="workers"/> threads that each take the next
    /// range when done with one: each range is the rest of the file shared out twice over (<c>rest / 2 workers</c>),
    /// between <paramref name="smallestPart"/> and <paramref name="largestPart"/>. With equal ranges the threads finish
    /// up to a whole range apart and the others idle meanwhile; with shrinking ones they finish about one small range
    /// apart, and the large ranges first keep the count of ranges (each one a builder to merge) low.
    /// A file under two <paramref name="smallestPart"/> is one range.
    /// </summary>
    public static (long Start, long Length)[] Taper(string path, int workers, long largestPart, long smallestPart)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        long size = file.Length;
        if (workers <= 1 || size < smallestPart * 2)
        {
            return [(0, size)];
        }
        largestPart = Math.Max(largestPart, smallestPart);
        var guesses = new List<long>();
        for (long start = 0; ;)
        {
            long rest = size - start;
            long part = Math.Clamp(rest / (2 * workers), smallestPart, largestPart);
            if (rest - part < smallestPart)
            {
                break; // the tail joins the last range rather than make one under the smallest
            }
            start += part;
            guesses.Add(start);
        }
        return Aligned(file, guesses);
    }

    /// <summary>Ranges starting at the first line that starts at or after each guess (in ascending order).</summary>
    private static (long Start, long Length)[] Aligned(FileStream file, IReadOnlyList<long> guesses)
    {
        long size = file.Length;
        var starts = new List<long> { 0 };
        var buffer = new byte[64 * 1024];
        foreach (long guess in guesses)
        {
            if (guess <= starts[^1])
            {
                continue;
            }
            file.Position = guess;
            long boundary = -1;
            while (boundary < 0)
            {
                int n = file.Read(buffer, 0, buffer.Length);
                if (n == 0)
                {
                    break;
                }
                int nl = Array.IndexOf(buffer, (byte)'\n', 0, n);
                if (nl >= 0)
                {
                    boundary = file.Position - n + nl + 1;
                }
            }
            if (boundary > starts[^1] && boundary < size)
            {
                starts.Add(boundary);
            }
        }
        var ranges = new (long, long)[starts.Count];
        for (int i = 0; i < starts.Count; i++)
        {
            long end = i + 1 < starts.Count ? starts[i + 1] : size;
            ranges[i] = (starts[i], end - starts[i]);
        }
        return ranges;
    }

    /// <summary>A read-only stream over one range of a file.</summary>
    public static Stream OpenRange(string path, long start, long length)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        file.Position = start;
        return new RangeStream(file, length);
    }

    private sealed class RangeStream(FileStream file, long rangeLength) : ReadOnlyForwardStream
    {
        private readonly long _length = rangeLength;
        private long _remaining = rangeLength;

        public override int Read(Span<byte> buffer)
        {
            if (_remaining <= 0)
            {
                return 0;
            }
            int n = file.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
            _remaining -= n;
            return n;
        }

        public override long Length => _length;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
