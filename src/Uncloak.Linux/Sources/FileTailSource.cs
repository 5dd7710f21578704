using System.Globalization;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sources;

/// <summary>
/// Follows a log file as it grows, through both kinds of rotation: by rename (logrotate's default: the path gets a new
/// inode; we finish the old file, then start the new one at 0) and copytruncate (same inode, size drops below our
/// offset: start again at 0). The cursor is <c>device:inode:offset</c> of the first unread line; after a restart the
/// file resumes there, and when it was rotated meanwhile the rest of the old file is read first, found by its inode
/// among the rotated names (<see cref="RotatedFiles"/>), then the files rotated after it; what cannot be read counts as gaps.
/// A first start with no cursor begins at the end (history is <c>uncloak analyze</c>'s job) unless <c>fromStart</c>.
/// </summary>
public sealed class FileTailSource : LiveSource
{
    private const int ChunkSize = 256 * 1024;

    /// <summary>Text a compressed rotated log may decompress to before it is refused as a gzip bomb (1 GiB).</summary>
    public const long DefaultMaxDecompressed = 1L << 30;

    private readonly string _path;
    private readonly TimeSpan _poll;
    private readonly bool _fromStart;
    private readonly long _maxDecompressed;

    /// <param name="path">The log to follow.</param>
    /// <param name="time">The clock for polling and year inference.</param>
    /// <param name="poll">How often an idle file is looked at again (250 ms).</param>
    /// <param name="fromStart">Without a cursor, read the file from its start instead of its end.</param>
    /// <param name="maxDecompressed">Text a compressed rotated log may hold before it is refused (<see cref="DefaultMaxDecompressed"/>).</param>
    public FileTailSource(string path, TimeProvider time, TimeSpan? poll = null, bool fromStart = false, long maxDecompressed = DefaultMaxDecompressed)
        : base("file:" + path, time)
    {
        _path = path;
        _poll = poll ?? TimeSpan.FromMilliseconds(250);
        _fromStart = fromStart;
        _maxDecompressed = maxDecompressed;
    }

    public string Path => _path;

    protected override async Task ReadAsync(string? cursor, long position, long gaps, ISourceSink sink, CancellationToken cancel)
    {
        var state = new TailState { Position = position, Gaps = gaps };
        if (TryParseCursor(cursor, out var id, out long offset, out ulong? fingerprint))
        {
            // The same inode with other text at its start is a new file that reused the number (the old one was rotated,
            // compressed and deleted): not ours.
            if (Libc.TryStat(_path, out var current, out long size, out _) && current == id && StartsAsRead(_path, offset, fingerprint))
            {
                if (size < offset)
                {
                    // What was past the old offset is gone (or in a copy we cannot identify): a real loss, counted.
                    state.Gaps++;
                    sink.Problem(Name, $"{_path} was truncated while the daemon was stopped; reading it from the start (gap counted)", TimeSpan.Zero);
                    offset = 0;
                }
                await FollowAsync(_path, offset, state, sink, untilRotated: true, alignToLine: false, cancel).ConfigureAwait(false);
                return;
            }
            var trail = RotatedFiles.Find(_path, id, offset, fingerprint);
            if (trail.Old is not null)
            {
                await ReadRotatedAsync(trail.Old, offset, state, sink, cancel).ConfigureAwait(false);
                foreach (var later in trail.Newer)
                {
                    // Rotated again before the daemon came back (a two-step shift): never read, so read whole.
                    await ReadRotatedAsync(later, 0, state, sink, cancel).ConfigureAwait(false);
                }
                foreach (var packed in trail.Unreadable)
                {
                    state.Gaps++;
                    sink.Problem(Name, $"{packed} was rotated and compressed (not gzip) while the daemon was stopped; its lines are not read (gap counted)", TimeSpan.Zero);
                }
            }
            else
            {
                // A real loss, so it is counted: the gap metrics must not say 0 when lines are gone.
                state.Gaps++;
                sink.Problem(Name, $"{_path} was rotated while the daemon was stopped and its old file is gone (no file next to it has inode {id}): lines after offset {offset} of it are lost (gap counted)", TimeSpan.Zero);
            }
            await FollowAsync(_path, 0, state, sink, untilRotated: true, alignToLine: false, cancel).ConfigureAwait(false);
            return;
        }
        long start = 0;
        if (!_fromStart && Libc.TryStat(_path, out _, out long initial, out _))
        {
            start = initial;
        }
        await FollowAsync(_path, start, state, sink, untilRotated: true, alignToLine: !_fromStart && start > 0, cancel).ConfigureAwait(false);
    }

    /// <summary>Reads a rotated file to its end: a plain one by its path, a gzip one decompressed, bounded.</summary>
    private async Task ReadRotatedAsync(RotatedFiles.Rotated file, long offset, TailState state, ISourceSink sink, CancellationToken cancel)
    {
        if (!file.Gzip)
        {
            await FollowAsync(file.Path, offset, state, sink, untilRotated: false, alignToLine: false, cancel).ConfigureAwait(false);
            return;
        }
        GzipLogChunks chunks;
        try
        {
            chunks = GzipLogChunks.Open(file.Path, _maxDecompressed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            state.Gaps++;
            sink.Problem(Name, $"{file.Path} cannot be opened ({e.Message}); its lines are not read (gap counted)", TimeSpan.Zero);
            return;
        }
        using (chunks)
        {
            if (!Libc.TryStat(file.Path, out var id, out _, out _))
            {
                id = default;
            }
            state.Format = LogFormat.Unknown;
            try
            {
                await ReadFileAsync(chunks, id, offset, alignToLine: false, state, sink, follow: false, cancel).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                state.Gaps++;
                sink.Problem(Name, $"{file.Path} is corrupt gzip after {chunks.Position:N0} bytes of text ({e.Message}); the rest is not read (gap counted)", TimeSpan.Zero);
                return;
            }
            if (chunks.Refused)
            {
                state.Gaps++;
                sink.Problem(Name, $"{file.Path} decompresses to more than {_maxDecompressed:N0} bytes (a gzip bomb, or not a rotated log); refused after {Math.Min(chunks.Position, _maxDecompressed):N0} (gap counted)", TimeSpan.Zero);
            }
        }
    }

    /// <summary>True when the plain file at <paramref name="path"/> starts with the text <paramref name="fingerprint"/> was taken of (always, for a cursor without one).</summary>
    private static bool StartsAsRead(string path, long offset, ulong? fingerprint)
    {
        if (fingerprint is not { } wanted)
        {
            return true;
        }
        try
        {
            using var chunks = new PlainLogChunks(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None));
            return chunks.Fingerprint(offset) == wanted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // gone or unreadable since the stat: look among the rotated names
        }
    }

    private static string Cursor(FileIdentity id, long offset, LogChunks chunks)
        => string.Create(CultureInfo.InvariantCulture, $"{id.Device}:{id.Inode}:{offset}:{chunks.Fingerprint(offset):x16}");

    private sealed class TailState
    {
        public long Position;
        public long Gaps;
        public LogFormat Format;
    }

    /// <summary>
    /// Reads <paramref name="path"/> from <paramref name="offset"/>. With <paramref name="untilRotated"/> it follows the
    /// path for ever, moving to each new file after a rotation; otherwise it stops at the file's end (an old rotated file).
    /// </summary>
    private async Task FollowAsync(string path, long offset, TailState state, ISourceSink sink, bool untilRotated, bool alignToLine, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            }
            catch (FileNotFoundException) when (untilRotated)
            {
                // Between logrotate's rename and the daemon's re-create the path is absent.
                await Task.Delay(_poll, Time, cancel).ConfigureAwait(false);
                continue;
            }
            using (var chunks = new PlainLogChunks(stream))
            {
                if (!Libc.TryStat(stream.SafeFileHandle, out var id, out _, out int errno))
                {
                    throw new IOException($"statx {path}: errno {errno}");
                }
                bool rotated = await ReadFileAsync(chunks, id, offset, alignToLine, state, sink, follow: untilRotated, cancel).ConfigureAwait(false);
                if (!rotated || !untilRotated)
                {
                    return;
                }
                offset = 0;
                alignToLine = false;
                state.Format = LogFormat.Unknown;
            }
        }
    }

    /// <returns>True when the path now names another file (rotation by rename), false at cancellation or at the end of a non-followed file.</returns>
    private async Task<bool> ReadFileAsync(LogChunks chunks, FileIdentity id, long offset, bool alignToLine, TailState state, ISourceSink sink, bool follow, CancellationToken cancel)
    {
        var buffer = new byte[ChunkSize];
        int held = 0; // bytes of an unfinished line at the start of buffer
        // Following (and aligning to a line at the old end) happens on plain files only: they have a handle.
        var handle = chunks.Handle;
        long lineStart = offset; // file offset of buffer[0]
        var collector = new EventCollector();
        LogScanner? scanner = null;
        LogFramer? framer = null;
        // Starting at the old end of a file that does not end with a newline: the first "line" is the rest of one we never saw.
        bool skipPartial = false;
        if (alignToLine && offset > 0 && handle is not null)
        {
            Span<byte> prior = stackalloc byte[1];
            skipPartial = RandomAccess.Read(handle, prior, offset - 1) == 1 && prior[0] != (byte)'\n';
        }
        {
            // Commit where reading starts: a daemon stopped before the first line arrives resumes here, not at a later end.
            await sink.DeliverAsync(new SourceBatch(Name, SourceId, [], Cursor(id, offset, chunks), state.Position, state.Gaps), CancellationToken.None).ConfigureAwait(false);
        }
        while (!cancel.IsCancellationRequested)
        {
            int n = chunks.Read(buffer.AsSpan(held), lineStart + held);
            if (n == 0)
            {
                if (!follow || handle is null)
                {
                    return false;
                }
                if (!Libc.TryStat(_path, out var now, out _, out _) || now != id)
                {
                    // Renamed away (or deleted): anything written to the old file before the rename is read by the next
                    // pass of this loop; only when it stays empty do we move to the new file.
                    int more = chunks.Read(buffer.AsSpan(held), lineStart + held);
                    if (more == 0)
                    {
                        return true;
                    }
                    n = more;
                }
                else if (RandomAccess.GetLength(handle) < lineStart + held)
                {
                    // copytruncate: same file, cut to (nearly) nothing. Start again from its beginning.
                    sink.Problem(Name, $"{_path} was truncated (copytruncate); reading it again from the start", TimeSpan.Zero);
                    lineStart = 0;
                    offset = 0;
                    held = 0;
                    skipPartial = false;
                    continue;
                }
                else
                {
                    await Task.Delay(_poll, Time, cancel).ConfigureAwait(false);
                    continue;
                }
            }
            int end = held + n;
            int consumed = 0;
            long records = 0;
            while (true)
            {
                int nl = buffer.AsSpan(consumed, end - consumed).IndexOf((byte)'\n');
                if (nl < 0)
                {
                    break;
                }
                var line = buffer.AsSpan(consumed, nl);
                long lineOffset = lineStart + consumed;
                consumed += nl + 1;
                if (skipPartial)
                {
                    skipPartial = false; // we started mid-line at the old end of the file
                    continue;
                }
                if (state.Format == LogFormat.Unknown)
                {
                    state.Format = LogFormatDetector.Detect(buffer.AsSpan(consumed - nl - 1, end - (consumed - nl - 1)), Time.GetUtcNow().UtcDateTime);
                }
                scanner ??= new LogScanner(state.Format, Time.GetUtcNow().UtcDateTime, SourceId);
                framer ??= new LogFramer(state.Format, Time.GetUtcNow().UtcDateTime);
                records++;
                if (framer.Frame(line, out var framed) == FrameResult.Record)
                {
                    scanner.Deliver(framed, state.Position + (lineOffset - offset), collector);
                }
            }
            if (consumed == 0 && end == buffer.Length)
            {
                consumed = end; // a line longer than the buffer: drop it
                state.Gaps++;
            }
            if (consumed == 0)
            {
                held = end;
                continue; // no complete line yet
            }
            long newOffset = lineStart + consumed;
            state.Position += newOffset - offset;
            offset = newOffset;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, end - consumed);
            held = end - consumed;
            lineStart = newOffset;
            var cursor = Cursor(id, newOffset, chunks);
            await sink.DeliverAsync(new SourceBatch(Name, SourceId, collector.Take(), cursor, state.Position, state.Gaps) { Records = records }, CancellationToken.None).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>
    /// Reads <c>device:inode:offset:fingerprint</c> (the fingerprint of the text's first bytes finds the file again once
    /// logrotate compressed it), or <c>device:inode:offset</c> as written before fingerprints (fingerprint null).
    /// </summary>
    internal static bool TryParseCursor(string? cursor, out FileIdentity id, out long offset, out ulong? fingerprint)
    {
        id = default;
        offset = 0;
        fingerprint = null;
        var parts = cursor?.Split(':');
        if (parts is not { Length: 3 or 4 }
            || !ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong dev)
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ino)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return false;
        }
        if (parts.Length == 4)
        {
            if (!ulong.TryParse(parts[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hash))
            {
                return false;
            }
            fingerprint = hash;
        }
        id = new FileIdentity(dev, ino);
        return true;
    }
}
