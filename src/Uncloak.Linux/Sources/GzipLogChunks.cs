using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Sources;

/// <summary>
/// A rotated log that logrotate compressed (<c>compress</c>, <c>delaycompress</c>), decompressed front to back. Reads are
/// sequential: a read at an offset ahead of what was decompressed skips to it (the lines before it were read when the
/// file was still plain). Decompression is bounded: past <c>limit</c> bytes of text the file is refused (a gzip bomb,
/// or a file no kernel log rotation produces) and reads end; <see cref="Refused"/> says so and the caller counts a gap.
/// </summary>
internal sealed class GzipLogChunks : LogChunks
{
    private readonly FileStream _file;
    private readonly GZipStream _gzip;
    private readonly long _limit;
    private readonly byte[] _head = new byte[HeadSize];
    private int _headLength;
    private long _position;

    private GzipLogChunks(FileStream file, long limit)
    {
        _file = file;
        _gzip = new GZipStream(file, CompressionMode.Decompress);
        _limit = limit;
    }

    /// <summary>Opens <paramref name="path"/>; refuses at once (<see cref="Refused"/>) when its trailer already says it is bigger than <paramref name="limit"/>.</summary>
    public static GzipLogChunks Open(string path, long limit)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        var chunks = new GzipLogChunks(file, limit) { TrailerLength = TrailerSize(file) };
        chunks.Refused = chunks.TrailerLength > limit;
        return chunks;
    }

    /// <summary>The text's length as the gzip trailer gives it (ISIZE: mod 4 GiB).</summary>
    public long TrailerLength { get; private init; }

    /// <summary>True once the text ran past the limit: nothing more is read.</summary>
    public bool Refused { get; private set; }

    /// <summary>Text bytes decompressed so far.</summary>
    public long Position => _position;

    public override SafeFileHandle? Handle => null;

    public override int Read(Span<byte> into, long at)
    {
        if (at < _position)
        {
            throw new InvalidOperationException($"a compressed log is read front to back: asked for {at}, at {_position}");
        }
        Span<byte> discard = stackalloc byte[4096];
        while (_position < at && !Refused)
        {
            if (Next(discard[..(int)Math.Min(discard.Length, at - _position)]) == 0)
            {
                return 0;
            }
        }
        return Refused ? 0 : Next(into);
    }

    private int Next(Span<byte> into)
    {
        int n = _gzip.Read(into);
        if (_headLength < HeadSize && n > 0)
        {
            int keep = Math.Min(n, HeadSize - _headLength);
            into[..keep].CopyTo(_head.AsSpan(_headLength));
            _headLength += keep;
        }
        _position += n;
        if (_position > _limit)
        {
            Refused = true;
            return 0;
        }
        return n;
    }

    public override ReadOnlySpan<byte> Head(long upTo)
    {
        int want = (int)Math.Min(upTo, HeadSize);
        while (_headLength < want && !Refused && Next(new byte[want - _headLength]) > 0)
        {
            // Only before the first real read (a fingerprint check): decompress until the head is there.
        }
        return _head.AsSpan(0, Math.Min(_headLength, want));
    }

    /// <summary>ISIZE from the gzip trailer: the text's length mod 4 GiB (0 when the file is too short to have one).</summary>
    private static long TrailerSize(FileStream file)
    {
        if (file.Length < 18)
        {
            return 0;
        }
        Span<byte> isize = stackalloc byte[4];
        RandomAccess.Read(file.SafeFileHandle, isize, file.Length - 4);
        return BinaryPrimitives.ReadUInt32LittleEndian(isize);
    }

    /// <summary>
    /// MTIME from the gzip header: the modification time of the file that was compressed (gzip keeps it both for a named
    /// file and for a regular file on its standard input, as logrotate feeds it), or null when the header has none.
    /// </summary>
    public static DateTime? OriginalWriteTime(string path)
    {
        Span<byte> header = stackalloc byte[8];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        if (RandomAccess.Read(file.SafeFileHandle, header, 0) < 8 || header[0] != 0x1f || header[1] != 0x8b)
        {
            return null;
        }
        uint seconds = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        return seconds == 0 ? null : DateTime.UnixEpoch.AddSeconds(seconds);
    }

    public override void Dispose()
    {
        _gzip.Dispose();
        _file.Dispose();
    }
}
