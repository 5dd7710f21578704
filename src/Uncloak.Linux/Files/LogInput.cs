using System.IO.Compression;
using System.Security.Cryptography;
using Uncloak.Core.Framing;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Files;

/// <summary>
/// One log to read: a file (plain or gzip, detected by magic bytes, not by name) or standard input.
/// Knows its format, when it ends (for year inference) and its identity — a hash of the first 4 KiB of
/// content after any leading NUL run — so a rotated or re-read file is recognised and never stored twice.
/// A log that starts with crash damage (NUL bytes) is looked into past the damage, up to <see cref="MaxHeadPeek"/>,
/// to find its format; a named pipe (FIFO) is read as a stream once a writer opens it.
/// </summary>
public sealed class LogInput : IDisposable
{
    private const int HeadSize = 64 * 1024;
    private const int IdentitySize = 4096;

    /// <summary>How far into a log that starts with NUL bytes its text is looked for (the peeked bytes are held in memory).</summary>
    public const int MaxHeadPeek = 16 << 20;

    private readonly Stream _raw;
    private uint? _gzipTrailerSize;
    private long? _lengthAtOpen;
    private PeekableStream? _undecoded;

    private LogInput(string name, Stream stream, bool compressed, DateTime endsAround, byte[] head, LogFormat format, Stream raw)
    {
        _raw = raw;
        Name = name;
        Stream = stream;
        Compressed = compressed;
        EndsAround = endsAround;
        Format = format;
        int text = head.AsSpan().IndexOfAnyExcept((byte)0);
        var identity = text < 0 ? head.AsSpan() : head.AsSpan(text);
        Identity = SHA256.HashData(identity[..Math.Min(identity.Length, IdentitySize)]);
        IsEmpty = head.Length == 0;
        _lengthAtOpen = !compressed && raw.CanSeek ? SafeLength() : null;
    }

    /// <summary>The path as the user gave it, or "-" for standard input.</summary>
    public string Name { get; }

    /// <summary>The content stream, decompressed, positioned at the start.</summary>
    public Stream Stream { get; }

    public bool Compressed { get; }

    /// <summary>"utf16" when the content is read through a transcoder to UTF-8 (<see cref="TextEncoding"/>), null for UTF-8.</summary>
    public string? Encoding { get; private init; }

    /// <summary>
    /// Where the text starts in <see cref="Stream"/>'s offsets: 3 after a UTF-8 byte-order mark, which the stream has
    /// skipped (readers number their lines' offsets from here, so offsets are the file's), else 0.
    /// </summary>
    public int TextStart { get; private init; }

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

    /// <summary>True when <paramref name="path"/> names nothing at all (ENOENT), as opposed to a file that exists but may not open.</summary>
    public static bool IsMissing(string path)
        => path != "-" && !Libc.TryFileType(path, out _, out int errno) && errno == Libc.ENOENT;

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
            if (!Libc.TryFileType(path, out int type, out int errno))
            {
                throw new LogInputException(path, errno == Libc.ENOENT ? "no such file" : new IOException(null, errno).Message);
            }
            if (type is Libc.S_IFCHR or Libc.S_IFBLK or Libc.S_IFSOCK)
            {
                throw new LogInputException(path, "is a device or socket, not a log file");
            }
            if (type == Libc.S_IFIFO)
            {
                // open(2) of a FIFO waits for a writer; then it is read as a stream until the writer closes it.
                var pipe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.None);
                return FromStream(path, pipe, endsAround ?? DateTime.UtcNow, format);
            }
            var info = new FileInfo(path);
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

    /// <summary>True when <paramref name="path"/> is a named pipe (opening it waits for a writer).</summary>
    public static bool IsFifo(string path) => Libc.TryFileType(path, out int type, out _) && type == Libc.S_IFIFO;

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
        byte[] head;
        string? encoding;
        int markLength;
        var undecoded = (PeekableStream)stream;
        try
        {
            stream = TextEncoding.Decode(undecoded, out encoding, out markLength);
            head = PeekHead((PeekableStream)stream);
        }
        catch (InvalidDataException e)
        {
            throw new LogInputException(name, "corrupt gzip data at the start: " + e.Message);
        }
        int text = head.AsSpan().IndexOfAnyExcept((byte)0);
        var detectable = text < 0 ? [] : head.AsSpan(text, Math.Min(head.Length - text, HeadSize));
        var detected = format ?? LogFormatDetector.Detect(detectable, endsAround);
        if (detected == LogFormat.Unknown)
        {
            stream.Dispose();
            throw new LogInputException(name, LogFormatDetector.IsJournalFile(detectable)
                ? "is a systemd journal file, not a text log; export it with `journalctl --file FILE -o export > FILE.export` and analyze that"
                : "does not look like a text log (mostly binary data at its start); if it is a journal file, export it with `journalctl --file FILE -o export`");
        }
        return new LogInput(name, stream, compressed, endsAround, head, detected, raw) { _gzipTrailerSize = trailerSize, Encoding = encoding, TextStart = encoding is null ? markLength : 0, _undecoded = encoding is null ? null : undecoded };
    }

    /// <summary>
    /// The first <see cref="HeadSize"/> bytes, or, when the input starts with NUL bytes (crash damage), enough to hold
    /// <see cref="HeadSize"/> bytes of what follows them, looking no further than <see cref="MaxHeadPeek"/>.
    /// </summary>
    private static byte[] PeekHead(PeekableStream stream)
    {
        int size = HeadSize;
        while (true)
        {
            var head = new byte[size];
            int n = stream.Peek(head);
            int text = head.AsSpan(0, n).IndexOfAnyExcept((byte)0);
            if (n < size || (text >= 0 && n - text >= Math.Min(HeadSize, size / 2)) || size >= MaxHeadPeek)
            {
                Array.Resize(ref head, n);
                return head;
            }
            size = Math.Min(size * 4, MaxHeadPeek);
        }
    }

    /// <summary>
    /// A plain file that is shorter now, or was read to a shorter end, than it was when opened has been truncated while
    /// it was read (logrotate's copytruncate, an admin's <c>&gt; file</c>): returns what happened, or null.
    /// </summary>
    public string? CheckTruncated(long bytesRead)
    {
        bytesRead = _undecoded?.Consumed ?? bytesRead;
        if (_lengthAtOpen is not { } atOpen || SafeLength() is not { } now)
        {
            return null;
        }
        if (bytesRead >= atOpen && now >= atOpen)
        {
            return null;
        }
        return $"truncated while being read: it had {atOpen:N0} bytes when opened and has {now:N0} now; the report covers the {Math.Min(bytesRead, atOpen):N0} bytes read";
    }

    /// <summary>
    /// .NET's GZipStream ends quietly at a truncated file, so a cut-off .gz would pass for a short log. The gzip
    /// trailer's ISIZE (uncompressed length mod 2³²) tells: returns a problem description when what was read does
    /// not match it, or null when it does (or when the input is not a seekable gzip file).
    /// </summary>
    public string? CheckComplete(long bytesRead)
    {
        bytesRead = _undecoded?.Consumed ?? bytesRead;
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
