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
        var builder = new AnalysisBuilder(options.Filter);
        bool inputErrors = false;
        SqliteStore? store = null;
        EventWriter? writer = null;
        try
        {
            if (!options.NoStore || options.Files.Count == 0)
            {
                string path = options.DbPath ?? SqliteStore.DefaultPath();
                if (options.Files.Count == 0 && !File.Exists(path))
                {
                    error.WriteLine($"uncloak analyze: no files given and no store at {path}. Give log files (e.g. /var/log/kern.log*) or --db PATH.");
                    return ExitCodes.UsageOrInput;
                }
                store = SqliteStore.Open(path);
                writer = options.Files.Count > 0 ? new EventWriter(store) : null;
            }
            if (options.Files.Count == 0)
            {
                ReportFromStore(store!, builder);
            }
            else
            {
                inputErrors = ReadInputs(options, builder, store, writer, error, cancel);
                writer?.Complete();
            }
        }
        catch (StoreException e)
        {
            error.WriteLine("uncloak analyze: " + e.Message);
            return ExitCodes.UsageOrInput;
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

        var report = builder.Build();
        if (options.Json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                AnalysisJson.Write(w, report, options.Top);
            }
            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
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
                    error.WriteLine($"uncloak analyze: wrote {htmlPath}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak analyze: cannot write {htmlPath}: {e.Message}");
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

    private static void ReportFromStore(SqliteStore store, AnalysisBuilder builder)
    {
        var perSource = new Dictionary<int, long>();
        foreach (var stored in EventReader.ReadAll(store))
        {
            builder.Add(stored.Event, stored.Weight);
            perSource[stored.Event.Position.SourceId] = perSource.GetValueOrDefault(stored.Event.Position.SourceId) + stored.Weight;
        }
        foreach (var r in EventReader.ReadRollups(store))
        {
            switch (r.Scope)
            {
                case RollupScope.Minute:
                    builder.AddMinuteAggregate(r.Kind, r.Uptime, r.Bucket, r.Count);
                    perSource[r.SourceId] = perSource.GetValueOrDefault(r.SourceId) + r.Count;
                    break;
                case RollupScope.PeerDay:
                    builder.AddPeerDayAggregate(r.Kind, r.Uptime, r.Bucket, r.Peer, r.Count);
                    break;
                case RollupScope.PortDay:
                    builder.AddPortDayAggregate(r.Kind, r.Uptime, r.Bucket, r.Port, r.Count);
                    break;
            }
        }
        foreach (var s in SourceRegistry.All(store))
        {
            builder.AddSource(new SourceSummary(s.Path, s.Format, s.Lines, s.Malformed, perSource.GetValueOrDefault(s.Id), null));
        }
    }

    /// <summary>Returns true when any input could not be read completely.</summary>
    private static bool ReadInputs(AnalyzeOptions options, AnalysisBuilder builder, SqliteStore? store, EventWriter? writer, TextWriter error, CancellationToken cancel)
    {
        bool errors = false;
        var inputs = OrderOldestFirst(options.Files);
        bool progress = Terminal.IsInteractive && !options.Json && ReferenceEquals(error, Console.Error);
        foreach (var name in inputs)
        {
            cancel.ThrowIfCancellationRequested();
            DateTime? endsAround = options.Year is { } y ? new DateTime(y, 12, 31, 23, 59, 59, DateTimeKind.Utc) : null;
            LogInput input;
            try
            {
                input = LogInput.Open(name, endsAround);
            }
            catch (LogInputException e)
            {
                error.WriteLine("uncloak analyze: " + e.Message);
                builder.AddSource(new SourceSummary(name, "?", 0, 0, 0, e.Message));
                errors = true;
                continue;
            }
            using (input)
            {
                int sourceId = 0;
                if (store is not null && writer is not null)
                {
                    var source = SourceRegistry.Register(store, input.Identity, name == "-" ? "(stdin)" : Path.GetFullPath(name), input.Format.ToString());
                    sourceId = source.Id;
                    writer.SetStoredBelow(source.Id, source.BytesDone);
                }
                var scanner = new LogScanner(input.Format, input.EndsAround, sourceId);
                var sink = new TeeSink(builder, writer);
                string? failure = null;
                try
                {
                    if (progress && input.RawLength is > 0)
                    {
                        ScanWithProgress(input, scanner, sink, cancel);
                    }
                    else
                    {
                        scanner.Scan(new LineReader(input.Stream), sink, cancel);
                    }
                }
                catch (Exception e) when (e is InvalidDataException or IOException or EndOfStreamException)
                {
                    // Truncated gzip, a file that vanished or a disk error: keep what was read, say where it stopped.
                    failure = $"{name}: read failed after line {scanner.Statistics.Lines:N0} (byte {scanner.Statistics.Bytes:N0}): {e.Message}";
                    error.WriteLine("uncloak analyze: " + failure);
                    errors = true;
                }
                var stats = scanner.Statistics;
                if (failure is null && input.CheckComplete(stats.Bytes) is { } incomplete)
                {
                    failure = $"{name}: read failed after line {stats.Lines:N0} (byte {stats.Bytes:N0}): {incomplete}";
                    error.WriteLine("uncloak analyze: " + failure);
                    errors = true;
                }
                if (store is not null && writer is not null && failure is null)
                {
                    SourceRegistry.Complete(store, sourceId, stats.Bytes, stats.Lines, stats.Malformed);
                }
                if (stats.Lines > 0 && stats.Malformed == stats.Lines && failure is null)
                {
                    error.WriteLine($"uncloak analyze: {name}: none of its {stats.Lines:N0} lines is a {input.Format} line; is it a log?");
                    errors = true;
                }
                else if (stats.Malformed > 0 && stats.FirstMalformed is { } fm)
                {
                    error.WriteLine($"uncloak analyze: {name}: {stats.Malformed:N0} malformed line(s) skipped (first at line {fm.Line:N0}, byte {fm.Offset:N0}){(stats.Overlong > 0 ? $", {stats.Overlong:N0} longer than {LineReader.MaxLineLength / 1024} KiB" : "")}");
                }
                builder.AddSource(new SourceSummary(name, input.Format.ToString() + (input.Compressed ? "+gzip" : ""), stats.Lines, stats.Malformed, stats.Events, failure)
                {
                    FirstMalformed = stats.FirstMalformed,
                });
            }
        }
        return errors;
    }

    private static void ScanWithProgress(LogInput input, LogScanner scanner, TeeSink sink, CancellationToken cancel)
    {
        AnsiConsole.Console.Profile.Out = new AnsiConsoleOutput(Console.Error);
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(Path.GetFileName(input.Name)), maxValue: input.RawLength!.Value);
                var work = Task.Run(() => scanner.Scan(new LineReader(input.Stream), sink, cancel), cancel);
                while (!work.Wait(200, CancellationToken.None))
                {
                    task.Value = input.RawPosition;
                }
                task.Value = task.MaxValue;
                work.GetAwaiter().GetResult();
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

    /// <summary>
    /// Feeds the report and the store. Message text is copied for every event stored as a row, and for one
    /// firewall line in 64 (rollups keep a sample; a string per LOG line would cost more than parsing it).
    /// </summary>
    private sealed class TeeSink(AnalysisBuilder builder, EventWriter? writer) : IEventSink
    {
        private int _firewallLines;

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
        {
            builder.Add(ev, 1);
            if (writer is not null)
            {
                bool keepText = ev.Kind != EventKind.FirewallLog || (_firewallLines++ & 63) == 0;
                writer.Add(ev, keepText ? Encoding.UTF8.GetString(message[..Math.Min(message.Length, 1024)]) : null);
            }
        }
    }
}
