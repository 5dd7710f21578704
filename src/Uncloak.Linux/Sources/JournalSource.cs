using System.Text;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Processes;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The systemd journal through <c>journalctl -f -o json</c> (an argument array, never a shell): kernel records and,
/// optionally, chosen units' messages (OR-ed matches). The cursor is the journal's own <c>__CURSOR</c>, passed back with
/// <c>--after-cursor</c> on restart so nothing is read twice. A first start reads only new entries (<c>-n 0</c>).
/// journalctl exiting is a failure: the base class restarts it with backoff.
/// </summary>
public sealed class JournalSource : LiveSource
{
    private readonly IReadOnlyList<string> _units;
    private readonly bool _kernel;
    private readonly string _journalctl;

    public JournalSource(bool kernel, IReadOnlyList<string> units, TimeProvider time, string journalctl = "journalctl")
        : base("journal:" + string.Join(',', (kernel ? units.Prepend("kernel") : units)), time)
    {
        _kernel = kernel;
        _units = units;
        _journalctl = journalctl;
    }

    /// <summary>The arguments journalctl gets (visible for tests and for the admin in logs).</summary>
    public IReadOnlyList<string> Arguments(string? cursor)
    {
        var args = new List<string> { "--follow", "--output=json", "--no-pager", "--quiet" };
        if (cursor is null)
        {
            args.Add("--lines=0");
        }
        else
        {
            args.Add("--after-cursor=" + cursor);
        }
        bool first = true;
        if (_kernel)
        {
            args.Add("_TRANSPORT=kernel");
            first = false;
        }
        foreach (var unit in _units)
        {
            if (!first)
            {
                args.Add("+");
            }
            args.Add("_SYSTEMD_UNIT=" + unit);
            first = false;
        }
        return args;
    }

    protected override async Task ReadAsync(string? cursor, long position, long gaps, ISourceSink sink, CancellationToken cancel)
    {
        RunningCommand process;
        try
        {
            process = CommandRunner.Start(_journalctl, Arguments(cursor));
        }
        catch (CommandException e)
        {
            // Retried by the source's loop with backoff, and reported: journalctl may be installed later.
            throw new IOException(e.Message, e);
        }
        using var _ = process;
        var stderr = process.Error.ReadToEndAsync(cancel);
        try
        {
            var framer = new LogFramer(LogFormat.JournalJson, Time.GetUtcNow().UtcDateTime);
            var scanner = new LogScanner(LogFormat.JournalJson, Time.GetUtcNow().UtcDateTime, SourceId);
            var collector = new EventCollector();
            string? last = cursor;
            long records = 0;
            var reader = process.Output;
            while (true)
            {
                var next = reader.ReadLineAsync(cancel);
                if (!next.IsCompleted && records > 0 && last is not null)
                {
                    await sink.DeliverAsync(new SourceBatch(Name, SourceId, collector.Take(), last, position, gaps) { Records = records }, CancellationToken.None).ConfigureAwait(false);
                    records = 0;
                }
                var line = await next.ConfigureAwait(false);
                if (line is null)
                {
                    break;
                }
                var bytes = Encoding.UTF8.GetBytes(line);
                if (CursorOf(bytes) is { } c)
                {
                    last = c;
                }
                records++;
                if (framer.Frame(bytes, out var framed) == FrameResult.Record)
                {
                    scanner.Deliver(framed, position, collector);
                }
                position++;
                if (records >= 512 && last is not null)
                {
                    await sink.DeliverAsync(new SourceBatch(Name, SourceId, collector.Take(), last, position, gaps) { Records = records }, CancellationToken.None).ConfigureAwait(false);
                    records = 0;
                }
            }
            if (records > 0 && last is not null)
            {
                // What journalctl printed before it exited is kept: the restart resumes after it.
                await sink.DeliverAsync(new SourceBatch(Name, SourceId, collector.Take(), last, position, gaps) { Records = records }, CancellationToken.None).ConfigureAwait(false);
            }
            await process.WaitAsync(Timeout.InfiniteTimeSpan, cancel).ConfigureAwait(false);
            string err = await stderr.ConfigureAwait(false);
            throw new IOException($"journalctl exited with code {process.ExitCode}: {err.Trim()}");
        }
        finally
        {
            process.Kill();
        }
    }

    /// <summary>The <c>__CURSOR</c> value of one JSON entry (journal cursors contain no characters JSON escapes).</summary>
    internal static string? CursorOf(ReadOnlySpan<byte> json)
    {
        var key = "\"__CURSOR\":\""u8;
        int i = json.IndexOf(key);
        if (i < 0)
        {
            return null;
        }
        var rest = json[(i + key.Length)..];
        int end = rest.IndexOf((byte)'"');
        return end < 0 ? null : Encoding.ASCII.GetString(rest[..end]);
    }
}
