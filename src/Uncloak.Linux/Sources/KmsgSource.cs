using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The kernel's log ring, record by record (<c>/dev/kmsg</c>: one read() is one record). The cursor is the last
/// sequence number stored; sequence numbers restart at boot, so the source is named after the boot id and a new
/// boot starts a new source. Lost records — overwritten before we read them (read() fails with EPIPE) or while the
/// daemon was down — are counted as gaps, reported, and reading continues.
/// </summary>
public sealed class KmsgSource : LiveSource
{
    private const int MaxRecord = 8192;
    private const int MaxBatch = 512;

    private readonly string _path;

    public KmsgSource(TimeProvider time, string path = "/dev/kmsg", string? bootId = null)
        : base("kmsg:" + (bootId ?? BootId()), time)
    {
        _path = path;
    }

    public static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    protected override Task ReadAsync(string? cursor, long position, long gaps, ISourceSink sink, CancellationToken cancel)
        => Task.Factory.StartNew(() => ReadLoop(cursor, gaps, sink, cancel), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task ReadLoop(string? cursor, long gaps, ISourceSink sink, CancellationToken cancel)
    {
        using var fd = Libc.Open(_path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd.IsInvalid)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {_path}: errno {errno} ({(errno == 1 || errno == 13 ? "needs root or CAP_SYSLOG" : "see errno(3)")})");
        }
        ulong last = cursor is not null && ulong.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out ulong c) ? c : 0;
        bool haveLast = cursor is not null;
        // Boot time on the wall clock: kmsg stamps are microseconds of the monotonic clock.
        // Stopwatch is CLOCK_MONOTONIC on Linux, whose zero is the boot.
        var boot = Time.GetUtcNow().UtcDateTime - Stopwatch.GetElapsedTime(0);
        var scanner = new LogScanner(LogFormat.Kmsg, boot, SourceId);
        var framer = new LogFramer(LogFormat.Kmsg, boot);
        var collector = new EventCollector();
        var buffer = new byte[MaxRecord];
        long records = 0;
        bool overrun = false;
        while (!cancel.IsCancellationRequested)
        {
            long n = Libc.Read(fd, buffer);
            if (n == -Libc.EAGAIN || n == 0)
            {
                // EAGAIN: nothing new. 0 never comes from /dev/kmsg itself (only from a stand-in whose writer is gone): wait too.
                if (records > 0)
                {
                    await Flush().ConfigureAwait(false);
                }
                Libc.PollReadable(fd, 250);
                continue;
            }
            if (n == -Libc.EPIPE)
            {
                // Overrun: the ring overwrote records we had not read; the next read returns the oldest one left.
                overrun = true;
                continue;
            }
            if (n == -Libc.EINTR)
            {
                continue;
            }
            if (n < 0)
            {
                throw new IOException($"read {_path}: errno {-n}");
            }
            var record = buffer.AsSpan(0, (int)n);
            int nl = record.IndexOf((byte)'\n');
            var line = nl >= 0 ? record[..nl] : record; // what follows are " KEY=value" dictionary lines
            if (!KmsgHeader.TryParse(line, out _, out ulong seq, out long usec, out _))
            {
                scanner.Statistics.Malformed++;
                continue;
            }
            if (haveLast && seq <= last)
            {
                continue; // stored already (resumed from the cursor)
            }
            if (haveLast && seq > last + 1)
            {
                long lost = (long)(seq - last - 1);
                gaps += lost;
                sink.Problem(Name, overrun
                    ? $"kernel ring overrun: {lost} records lost before they could be read (seq {last + 1}..{seq - 1})"
                    : $"{lost} records lost while the daemon was stopped (seq {last + 1}..{seq - 1})", TimeSpan.Zero);
            }
            overrun = false;
            last = seq;
            haveLast = true;
            records++;
            if (framer.Frame(line, out var framed) == FrameResult.Record)
            {
                var timed = new FramedLine
                {
                    Time = boot + TimeSpan.FromTicks(usec * 10),
                    UptimeMicros = framed.UptimeMicros,
                    Priority = framed.Priority,
                    Host = framed.Host,
                    Message = framed.Message,
                };
                scanner.Deliver(timed, (long)seq, collector);
            }
            if (records >= MaxBatch)
            {
                await Flush().ConfigureAwait(false);
            }
        }
        if (records > 0)
        {
            await Flush().ConfigureAwait(false);
        }

        async Task Flush()
        {
            var batch = new SourceBatch(Name, SourceId, collector.Take(), last.ToString(CultureInfo.InvariantCulture), (long)last + 1, gaps) { Records = records };
            records = 0;
            await sink.DeliverAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>For tests: opens the ring to check the process may read it.</summary>
    internal static bool CanRead(string path = "/dev/kmsg")
    {
        using SafeFileHandle fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        return !fd.IsInvalid;
    }
}
