using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spectre.Console;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Core.Reports;
using Uncloak.Linux.Files;
using Uncloak.Store;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Commands.Analyze;

/// <summary>
/// Runs one analysis: every input through the scanner into the report builder and the store writer (which
/// runs on the other core), then renders. Input problems are reported per file and make the exit code 2,
/// but never stop the other files or lose what was read before the problem.
/// </summary>
public static partial class AnalyzeRunner
{
    public static int Run(AnalyzeOptions options, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        // `uncloak pcap` shares this runner and takes captures only.
        if (options.CapturesOnly)
        {
            return RunLogs(options, output, error, cancel);
        }
        var (bundles, dumps, rest) = SplitForensicInputs(options.Files);
        if (bundles.Count + dumps.Count == 0)
        {
            return RunLogs(options, output, error, cancel);
        }
        if (rest.Count > 0 && options.Json)
        {
            error.WriteLine("uncloak analyze: --json takes either logs and captures or bundles and dumps; give them in separate runs.");
            return ExitCodes.UsageOrInput;
        }
        int forensics = RunForensics(bundles, dumps, options, output, error);
        return rest.Count == 0 ? forensics : Math.Max(forensics, RunLogs(options with { Files = rest }, output, error, cancel));
    }

    private static int RunLogs(AnalyzeOptions options, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        // Nothing to read at all: say so before the store is opened (or created at its default path) and an empty
        // report printed. A missing file among readable ones is reported with the rest, as before.
        var missing = options.Files.Where(Uncloak.Linux.Files.LogInput.IsMissing).ToList();
        if (missing.Count > 0 && missing.Count == options.Files.Count)
        {
            foreach (var f in missing)
            {
                error.WriteLine($"{options.Prefix}{f}: no such file");
            }
            return ExitCodes.UsageOrInput;
        }
        var builder = new AnalysisBuilder(options.Filter);
        int? exit = null;
        SqliteStore? store = null;
        EventWriter? writer = null;
        try
        {
            if (!options.NoStore || options.Files.Count == 0)
            {
                string path = options.DbPath ?? SqliteStore.DefaultPath();
                if (options.Files.Count == 0 && !File.Exists(path))
                {
                    error.WriteLine($"{options.Prefix}no files given and no store at {path}. Give log files (e.g. /var/log/kern.log*) or --db PATH.");
                    return ExitCodes.UsageOrInput;
                }
                store = SqliteStore.Open(path);
                writer = options.Files.Count > 0 ? new EventWriter(store) : null;
            }
            if (options.Files.Count == 0)
            {
                ReportFromStore(store!, builder, options.Filter);
            }
            else
            {
                var completed = new List<(int Source, ScanStatistics Stats)>();
                bool inputErrors = ReadInputs(options, builder, store, writer, error, completed, cancel);
                // The report is built and written while the store writer drains its queue and writes the readers'
                // aggregates on the other core.
                writer?.CompleteAdding();
                exit = Render(options, builder, inputErrors, output, error);
                writer?.Complete();
                // Only once every queued event is written does a source's mark move: a crash before this
                // point re-reads the file next time instead of losing events.
                foreach (var (source, stats) in completed)
                {
                    SourceRegistry.Complete(store!, source, stats.Bytes, stats.Lines, stats.Malformed);
                }
            }
        }
        catch (StoreException e)
        {
            // The store is the environment (disk full, damaged file), not the user's input.
            error.WriteLine(options.Prefix + e.Message);
            return ExitCodes.Environment;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("uncloak analyze: interrupted; the store keeps what was written.");
            writer?.Complete();
            return ExitCodes.UsageOrInput;
        }
        finally
        {
            writer?.Dispose();
            store?.Dispose();
        }
        return exit ?? Render(options, builder, inputErrors: false, output, error);
    }

    private static int Render(AnalyzeOptions options, AnalysisBuilder builder, bool inputErrors, TextWriter output, TextWriter error)
    {
        var report = builder.Build();
        if (options.Json)
        {
            JsonOutput.Write(output, w => AnalysisJson.Write(w, report, options.Top));
        }
        else
        {
            AnalysisRenderer.Render(Terminal.For(output), report, options.Top ?? 15);
        }
        if (options.HtmlPath is { } htmlPath)
        {
            try
            {
                File.WriteAllText(htmlPath, AnalysisHtml.Render(report, DateTime.UtcNow));
                if (!options.Json)
                {
                    error.WriteLine($"{options.Prefix}wrote {htmlPath}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{options.Prefix}cannot write {htmlPath}: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
        }
        if (inputErrors)
        {
            return ExitCodes.UsageOrInput;
        }
        if (options.FailOn is { } threshold && report.Findings.Any(f => f.Severity >= threshold))
        {
            return ExitCodes.Findings;
        }
        return ExitCodes.Ok;
    }

    private static void ReportFromStore(SqliteStore store, AnalysisBuilder builder, AnalysisFilter filter)
    {
        var perSource = new Dictionary<int, long>();
        foreach (var stored in EventReader.ReadAll(store))
        {
            builder.Add(stored.Event, stored.Weight);
            perSource[stored.Event.Position.SourceId] = perSource.GetValueOrDefault(stored.Event.Position.SourceId) + stored.Weight;
        }
        // The report's tables add aggregates up as they come, so without a time or peer filter they are read as stored;
        // a filter judges an aggregate by its span of minutes, which must then be the sum's, as it always was.
        var rollups = filter is { Since: null, Until: null, PeerNetwork: null } ? EventReader.ReadRollupsAsStored(store) : EventReader.ReadRollups(store);
        foreach (var r in rollups)
        {
            switch (r.Scope)
            {
                case RollupScope.Minute:
                    builder.AddMinuteAggregate(r.Kind, r.Uptime, r.Minute, r.Count);
                    perSource[r.SourceId] = perSource.GetValueOrDefault(r.SourceId) + r.Count;
                    break;
                case RollupScope.Peer:
                    builder.AddPeerAggregate(r.Kind, r.Uptime, r.FirstMinute, r.LastMinute, r.Peer, r.Count);
                    break;
                case RollupScope.Port:
                    builder.AddPortAggregate(r.Kind, r.Uptime, r.FirstMinute, r.LastMinute, r.Port, r.Count);
                    break;
            }
        }
        foreach (var s in SourceRegistry.All(store))
        {
            builder.AddSource(new SourceSummary(s.Path, s.Format, s.Lines, s.Malformed, perSource.GetValueOrDefault(s.Id), null));
        }
    }

    /// <summary>Returns true when any input could not be read completely.</summary>
    private static bool ReadInputs(AnalyzeOptions options, AnalysisBuilder builder, SqliteStore? store, EventWriter? writer, TextWriter error,
        List<(int Source, ScanStatistics Stats)> completed, CancellationToken cancel)
    {
        bool errors = false;
        var inputs = OrderOldestFirst(options.Files);
        bool progress = Terminal.IsInteractive && !options.Json && ReferenceEquals(error, Console.Error);
        foreach (var name in inputs)
        {
            cancel.ThrowIfCancellationRequested();
            if (CaptureInput.IsCapture(name))
            {
                errors |= ReadCapture(name, options, builder, store, writer, error, completed, cancel);
                continue;
            }
            if (options.CapturesOnly)
            {
                error.WriteLine($"uncloak pcap: {name}: not a pcap or pcapng capture (use `uncloak analyze` for logs)");
                builder.AddSource(new SourceSummary(name, "?", 0, 0, 0, "not a capture"));
                errors = true;
                continue;
            }
            DateTime? endsAround = options.Year is { } y ? new DateTime(y, 12, 31, 23, 59, 59, DateTimeKind.Utc) : null;
            LogInput input;
            try
            {
                if (name != "-" && LogInput.IsFifo(name))
                {
                    error.WriteLine($"{options.Prefix}{name} is a named pipe; waiting for a writer, then reading it to its end.");
                }
                input = LogInput.Open(name, endsAround);
            }
            catch (LogInputException e)
            {
                error.WriteLine(options.Prefix + e.Message);
                builder.AddSource(new SourceSummary(name, "?", 0, 0, 0, e.Message));
                errors = true;
                continue;
            }
            using (input)
            {
                int sourceId = 0;
                if (store is not null && writer is not null && !writer.Failed)
                {
                    try
                    {
                        var source = SourceRegistry.Register(store, input.Identity, name == "-" ? "(stdin)" : Path.GetFullPath(name), input.Format.ToString());
                        sourceId = source.Id;
                        writer.SetStoredBelow(source.Id, source.BytesDone);
                    }
                    catch (StoreException e)
                    {
                        // Disk full: analyse anyway (the writer drops what it is given) and say so after the report, with exit 3.
                        writer.Fail(e);
                    }
                }
                string? failure = null;
                ScanStatistics stats;
                try
                {
                    stats = CanSplit(input, name)
                        ? ScanInParallel(name, input, sourceId, builder, writer, progress, cancel)
                        : ScanSequentially(input, sourceId, builder, writer, progress, cancel);
                }
                catch (ScanFailedException e)
                {
                    // Truncated gzip, a file that vanished or a disk error: keep what was read, say where it stopped.
                    stats = e.Statistics;
                    failure = $"{name}: read failed after line {stats.Lines:N0} (byte {stats.Bytes:N0}): {e.InnerException!.Message}";
                    error.WriteLine(options.Prefix + failure);
                    errors = true;
                }
                if (failure is null && (input.CheckComplete(stats.Bytes) ?? input.CheckTruncated(stats.Bytes)) is { } incomplete)
                {
                    failure = $"{name}: read failed after line {stats.Lines:N0} (byte {stats.Bytes:N0}): {incomplete}";
                    error.WriteLine(options.Prefix + failure);
                    errors = true;
                }
                if (store is not null && writer is not null && failure is null)
                {
                    completed.Add((sourceId, stats));
                }
                if (stats.Lines > 0 && stats.Malformed == stats.Lines && failure is null)
                {
                    error.WriteLine($"{options.Prefix}{name}: none of its {stats.Lines:N0} lines is a {input.Format} line; is it a log?");
                    errors = true;
                }
                else if (stats.Malformed > 0 && stats.FirstMalformed is { } fm)
                {
                    error.WriteLine($"{options.Prefix}{name}: {stats.Malformed:N0} malformed line(s) skipped (first at line {fm.Line:N0}, byte {fm.Offset:N0}){(stats.Overlong > 0 ? $", {stats.Overlong:N0} longer than {LineReader.MaxLineLength / 1024} KiB" : "")}");
                }
                if (stats.DamagedRangeCount > 0)
                {
                    error.WriteLine($"{options.Prefix}{name}: skipped {stats.DamagedBytes:N0} bytes of NULs (crash damage) in {stats.DamagedRangeCount:N0} range(s), the first at byte {stats.DamagedRanges[0].Offset:N0}; the text around them was read");
                }
                builder.AddSource(new SourceSummary(name, input.Format.ToString() + (input.Compressed ? "+gzip" : "") + (input.Encoding is { } encoding ? "+" + encoding : ""), stats.Lines, stats.Malformed, stats.Events, failure)
                {
                    FirstMalformed = stats.FirstMalformed,
                    Damaged = [.. stats.DamagedRanges],
                    DamagedTotal = (stats.DamagedRangeCount, stats.DamagedBytes),
                });
            }
        }
        return errors;
    }

    /// <summary>Plain UTF-8 files of 64 MiB and more in a line-independent format are read by one thread per core.</summary>
    private static bool CanSplit(LogInput input, string name)
        => !input.Compressed && input.Encoding is null && name != "-" && input.Format != LogFormat.JournalExport && input.RawLength >= 64L << 20 && Environment.ProcessorCount > 1;

    private static ScanStatistics ScanSequentially(LogInput input, int sourceId, AnalysisBuilder builder, EventWriter? writer, bool progress, CancellationToken cancel)
    {
        var scanner = new LogScanner(input.Format, input.EndsAround, sourceId);
        var sink = new TeeSink(writer, writer?.StoredBelow(sourceId) ?? 0) { Builder = builder };
        try
        {
            RunWithProgress(progress ? input.Name : null, input.RawLength ?? 0, () => input.RawPosition,
                [() => scanner.Scan(new LineReader(input.Stream, startOffset: input.TextStart), sink, cancel)]);
            sink.Flush();
            return scanner.Statistics;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
        {
            sink.Flush();
            throw new ScanFailedException(scanner.Statistics, e);
        }
    }

    /// <summary>Runs the work items in parallel, with a progress bar on stderr when <paramref name="label"/> is given.</summary>
    private static void RunWithProgress(string? label, long total, Func<long> position, Action[] work)
    {
        if (label is null || total <= 0)
        {
            if (work.Length == 1)
            {
                work[0]();
            }
            else
            {
                Task.WaitAll(work.Select(w => Task.Factory.StartNew(w, TaskCreationOptions.LongRunning)).ToArray());
            }
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(Path.GetFileName(label)), maxValue: total);
                var all = Task.WhenAll(work.Select(w => Task.Factory.StartNew(w, TaskCreationOptions.LongRunning)));
                while (!all.Wait(200))
                {
                    task.Value = Math.Min(total, position());
                }
                task.Value = total;
            });
    }

    /// <summary>Rotated logs oldest first (kern.log.3.gz, kern.log.2.gz, kern.log.1, kern.log) so link flaps pair up in time order.</summary>
    internal static IReadOnlyList<string> OrderOldestFirst(IReadOnlyList<string> files)
    {
        return [.. files.Select((f, i) => (f, i, rot: RotationOf(f))).OrderBy(x => x.rot.Base, StringComparer.Ordinal).ThenByDescending(x => x.rot.Number).ThenBy(x => x.i).Select(x => x.f)];
    }

    private static (string Base, int Number) RotationOf(string path)
    {
        var m = RotationPattern().Match(path);
        return m.Success ? (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) : (path.EndsWith(".gz", StringComparison.Ordinal) ? path[..^3] : path, 0);
    }

    [GeneratedRegex(@"^(.*)\.(\d{1,4})(?:\.gz)?$")]
    private static partial Regex RotationPattern();

    private sealed class ScanFailedException(ScanStatistics statistics, Exception inner) : Exception(inner.Message, inner)
    {
        public ScanStatistics Statistics { get; } = statistics;
    }
}
