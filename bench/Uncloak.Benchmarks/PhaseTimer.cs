using System.Diagnostics;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Uncloak.Store;
using Uncloak.Store.Events;

namespace Uncloak.Benchmarks;

/// <summary>`phases FILE`: how the time of one analysis splits between reading, framing, classifying and aggregating.</summary>
public static class PhaseTimer
{
    public static int Run(string[] args)
    {
        string path = args[0];
        var reference = new DateTime(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);
        Measure("read lines", () =>
        {
            long n = 0;
            using var s = File.OpenRead(path);
            var r = new LineReader(s);
            while (r.TryReadLine(out _, out _, out _))
            {
                n++;
            }
            return n;
        });
        Measure("read + frame", () =>
        {
            long n = 0;
            using var s = File.OpenRead(path);
            var r = new LineReader(s);
            var f = new LogFramer(LogFormat.Syslog, reference);
            while (r.TryReadLine(out var line, out _, out _))
            {
                if (f.Frame(line, out _) == FrameResult.Record)
                {
                    n++;
                }
            }
            return n;
        });
        Measure("read + frame + classify", () =>
        {
            long n = 0;
            using var s = File.OpenRead(path);
            var r = new LineReader(s);
            var f = new LogFramer(LogFormat.Syslog, reference);
            var c = new MessageClassifier();
            while (r.TryReadLine(out var line, out _, out _))
            {
                if (f.Frame(line, out var framed) == FrameResult.Record && c.TryParse(framed.Message, out _))
                {
                    n++;
                }
            }
            return n;
        });
        foreach (var (label, text) in new[]
        {
            ("noise line", "audit: type=1400 audit(1718597279.123:4567): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/sbin/apache2\" name=\"/proc/4567/status\" pid=4567 comm=\"apache2\""),
            ("firewall line", "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=185.220.101.4 DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL=240 ID=54321 PROTO=TCP SPT=43210 DPT=3389 WINDOW=1024 RES=0x00 SYN URGP=0 "),
            ("treason line", "TCP: Treason uncloaked! Peer 168.209.98.35:43301/80 shrinks window 2244026871:2244027701. Repaired."),
        })
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(text);
            var c = new MessageClassifier();
            Measure("classify 1M x " + label, () =>
            {
                long n = 0;
                for (int i = 0; i < 1_000_000; i++)
                {
                    n += c.TryParse(bytes, out _) ? 1 : 0;
                }
                return n;
            });
        }
        Measure("scanner + analysis builder", () =>
        {
            using var s = File.OpenRead(path);
            var scanner = new LogScanner(LogFormat.Syslog, reference, 1);
            var b = new AnalysisBuilder();
            scanner.Scan(new LineReader(s), b);
            b.Build();
            return scanner.Statistics.Events;
        });
        var rows = new List<StoredEvent>();
        {
            using var s = File.OpenRead(path);
            new LogScanner(LogFormat.Syslog, reference, 1).Scan(new LineReader(s), new RowCollector(rows));
        }
        Measure("store writer alone (blocks)", () =>
        {
            string db = Path.Combine(Path.GetTempPath(), $"uncloak-phases-{Environment.ProcessId}.db");
            try
            {
                using var store = SqliteStore.Open(db);
                SourceRegistry.Register(store, System.Text.Encoding.UTF8.GetBytes(path), path, "Syslog");
                using var writer = new EventWriter(store);
                var blocks = new EventBlockBuilder();
                foreach (var row in rows)
                {
                    blocks.Append(row);
                    if (blocks.Full)
                    {
                        writer.AddBlock(blocks.Build()!);
                    }
                }
                if (blocks.Build() is { } last)
                {
                    writer.AddBlock(last);
                }
                writer.Complete();
                return writer.Written;
            }
            finally
            {
                foreach (var f in Directory.GetFiles(Path.GetTempPath(), $"uncloak-phases-{Environment.ProcessId}.db*"))
                {
                    File.Delete(f);
                }
            }
        });
        return 0;
    }

    /// <summary>The events the store keeps as rows, as analyze hands them to the writer.</summary>
    private sealed class RowCollector(List<StoredEvent> rows) : IEventSink
    {
        public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
        {
            if (!RollupAggregator.Aggregates(ev.Kind))
            {
                rows.Add(new StoredEvent(ev, 1, ev.Kind == EventKind.Treason ? null : System.Text.Encoding.UTF8.GetString(message)));
            }
        }
    }

    private static void Measure(string name, Func<long> work)
    {
        var sw = Stopwatch.StartNew();
        long alloc = GC.GetTotalAllocatedBytes(true);
        long n = work();
        Console.WriteLine($"{name,-30} {sw.Elapsed.TotalSeconds,6:0.00} s  {n,12:N0}  alloc {(GC.GetTotalAllocatedBytes(true) - alloc) / 1e6,8:0.0} MB");
    }
}
