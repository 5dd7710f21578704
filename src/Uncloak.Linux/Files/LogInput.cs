using System.IO.Compression;
using System.Security.Cryptography;
using Uncloak.Core.Framing;

namespace Uncloak.Linux.Files;

/// <summary>
/// One log to read: a file (plain or gzip, detected by magic bytes, not by name) or standard input.
/// Knows its format, when it ends (for year inference) and its identity — a hash of the first 4 KiB of
/// content — so a rotated or re-read file is recognised and never stored twice.
/// </summary>
public sealed class LogInput : IDisposable
{
    private const int HeadSize = 64 * 1024;
    private const int IdentitySize = 4096;

    private readonly Stream _raw;
    private uint? _gzipTrailerSize;

    private LogInput(string name, Stream stream, bool compressed, DateTime endsAround, byte[] head, LogFormat format, Stream raw)
    {
        _raw = raw;
        Name = name;
        Stream = stream;
        Compressed = compressed;
        EndsAround = endsAround;
        Format = format;
        Identity = SHA256.HashData(head.AsSpan(0, Math.Min(head.Length, IdentitySize)));
        IsEmpty = head.Length == 0;
    }

    /// <summary>The path as the user gave it, or "-" for standard input.</summary>
    public string Name { get; }

    /// <summary>The content stream, decompressed, positioned at the start.</summary>
    public Stream Stream { get; }

    public bool Compressed { get; }

    public DateTime EndsAround { get; }

    public LogFormat Format { get; }

    public byte[] Identity { get; }

    public bool IsEmpty { get; }

    /// <summary>Size of the file on disk (compressed size for .gz), or null for pipes; for progress bars.</summary>
    public long? RawLength => _raw.CanSeek ? SafeLength() : null;

    /// <summary>How far into the file on disk reading has got (read from another thread for progress; approximate).</summary>
    public long RawPosition => _raw.CanSeek ? SafePosition() : 0;

    private long? SafeLength()
    {
        try
        {
            return _raw.Length;
        }
        catch (IOException)
        {
            return null; // the file vanished; progress just stops moving
        }
    }

    private long SafePosition()
    {
        try
        {
            return _raw.Position;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> ("-" for stdin). Throws <see cref="LogInputException"/> with a message naming
    /// the file for every expected failure (missing, a directory, no permission, not a log, corrupt gzip).
    /// </summary>
    public static LogInput Open(string path, DateTime? endsAround = null, LogFormat? format = null)
    {
        try
        {
            if (path == "-")
            {
                return FromStream("-", Console.OpenStandardInput(), endsAround ?? DateTime.UtcNow, format);
            }
            if (Directory.Exists(path))
            {
                throw new LogInputException(path, "is a directory; give the log files in it (e.g. " + Path.Combine(path, "kern.log*") + ")");
            }
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new LogInputException(path, "no such file");
            }
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
            return FromStream(path, stream, endsAround ?? info.LastWriteTimeUtc, format);
        }
        catch (UnauthorizedAccessException)
        {
            throw new LogInputException(path, "permission denied (kernel logs are often readable only by root or the adm group)");
        }
        catch (IOException e) when (e is not LogInputException)
        {
            throw new LogInputException(path, e.Message);
        }
    }

    /// <summary>Wraps an already open stream (tests, stdin).</summary>
    public static LogInput FromStream(string name, Stream raw, DateTime endsAround, LogFormat? format = null)
    {
        Stream stream = raw;
        bool compressed = false;
        var peek = new PeekableStream(raw);
        Span<byte> magic = stackalloc byte[2];
        int m = peek.Peek(magic);
        uint? trailerSize = null;
        if (m == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            compressed = true;
            trailerSize = ReadGzipTrailerSize(raw);
            stream = new PeekableStream(new GZipStream(peek, CompressionMode.Decompress));
        }
        else
        {
            stream = peek;
        }
        var head = new byte[HeadSize];
        int n;
        try
        {
            n = ((PeekableStream)stream).Peek(head);
        }
        catch (InvalidDataException e)
        {
            throw new LogInputException(name, "corrupt gzip data at the start: " + e.Message);
        }
        Array.Resize(ref head, n);
        var detected = format ?? LogFormatDetector.Detect(head, endsAround);
        if (detected == LogFormat.Unknown)
        {
            stream.Dispose();
            throw new LogInputException(name, "does not look like a text log (binary data in the first 4 KiB); if it is a journal file, export it with `journalctl --file FILE -o export`");
        }
        return new LogInput(name, stream, compressed, endsAround, head, detected, raw) { _gzipTrailerSize = trailerSize };
    }

    /// <summary>
    /// .NET's GZipStream ends quietly at a truncated file, so a cut-off .gz would pass for a short log. The gzip
    /// trailer's ISIZE (uncompressed length mod 2³²) tells: returns a problem description when what was read does
    /// not match it, or null when it does (or when the input is not a seekable gzip file).
    /// </summary>
    public string? CheckComplete(long bytesRead)
    {
        if (_gzipTrailerSize is not { } expected || (uint)bytesRead == expected)
        {
            return null;
        }
        return $"truncated or corrupt gzip: decompressed {bytesRead:N0} bytes, but its trailer says {expected:N0} (mod 4 GiB)";
    }

    private static uint? ReadGzipTrailerSize(Stream raw)
    {
        if (!raw.CanSeek || raw.Length < 18)
        {
            return null;
        }
        long position = raw.Position;
        try
        {
            Span<byte> isize = stackalloc byte[4];
            raw.Seek(-4, SeekOrigin.End);
            raw.ReadExactly(isize);
            return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(isize);
        }
        finally
        {
            raw.Position = position;
        }
    }

    public void Dispose() => Stream.Dispose();
}
