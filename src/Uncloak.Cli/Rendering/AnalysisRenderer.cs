using System.Globalization;
using Spectre.Console;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Cli.Rendering;

/// <summary>The terminal view of an analysis: verdict first, then the evidence tables.</summary>
public static class AnalysisRenderer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Render(IAnsiConsole console, AnalysisReport r, int topPeers)
    {
        console.Write(new Rule("[bold]Uncloak analysis[/]").LeftJustified());
        console.MarkupLineInterpolated($"{r.Lines:N0} lines from {r.Sources.Count} input(s), {r.Malformed:N0} malformed, {r.Events:N0} network events.");
        if (r.First is { } first && r.Last is { } last)
        {
            console.MarkupLineInterpolated($"Span: {Time(first, r.Clock)} → {Time(last, r.Clock)}{(r.Clock == "uptime" ? " (seconds since boot: these inputs carry no dates)" : " UTC")}");
        }
        foreach (var s in r.Sources.Where(s => s.Error is not null))
        {
            console.MarkupLineInterpolated($"[red]Input problem:[/] {s.Error}");
        }
        foreach (var s in r.Sources.Where(s => s.DamagedTotal.Ranges > 0))
        {
            var shown = string.Join(", ", s.Damaged.Take(5).Select(d => $"{d.Length.ToString("N0", Inv)} at byte {d.Offset.ToString("N0", Inv)}"));
            string more = s.DamagedTotal.Ranges > 5 ? $", and {(s.DamagedTotal.Ranges - 5).ToString("N0", Inv)} more" : "";
            console.MarkupLineInterpolated($"[yellow]Damaged input:[/] {s.Name}: skipped {s.DamagedTotal.Bytes:N0} bytes of NULs in {s.DamagedTotal.Ranges:N0} range(s) ({shown}{more}); every text line around them was read.");
        }
        console.WriteLine();

        console.Write(new Rule("[bold]Verdict[/]").LeftJustified());
        foreach (var f in r.Findings)
        {
            console.MarkupLine($"{Badge(f.Severity)} [bold]{Markup.Escape(f.Title)}[/]");
            console.MarkupLineInterpolated($"  {f.Conclusion}");
            foreach (var e in f.Evidence)
            {
                console.MarkupLineInterpolated($"  [dim]evidence:[/] {e}");
            }
            foreach (var e in f.Reasoning)
            {
                console.MarkupLineInterpolated($"  [dim]because:[/] {e}");
            }
            foreach (var e in f.Advice)
            {
                console.MarkupLineInterpolated($"  [green]do:[/] {e}");
            }
            console.WriteLine();
        }

        var kinds = new Table().Border(TableBorder.Simple).Title("[bold]Events by kind[/]").AddColumn("kind").AddColumn(new TableColumn("count").RightAligned()).AddColumn("what it is");
        foreach (var (kind, count) in r.Counts.NonZero())
        {
            kinds.AddRow(kind.Name(), count.ToString("N0", Inv), Markup.Escape(MessageCatalog.For(kind)?.Summary ?? ""));
        }
        console.Write(kinds);

        if (r.Peers.Count > 0)
        {
            var peers = new Table().Border(TableBorder.Simple)
                .Title($"[bold]Top peers[/] ({r.DistinctPeers:N0} distinct)")
                .AddColumn("peer").AddColumn(new TableColumn("events").RightAligned()).AddColumn("by kind").AddColumn("ports").AddColumn("first").AddColumn("last");
            foreach (var p in r.Peers.Take(topPeers))
            {
                peers.AddRow(
                    Markup.Escape(p.Address.ToString()),
                    p.Counts.Total.ToString("N0", Inv),
                    Markup.Escape(string.Join(", ", p.Counts.NonZero().Select(k => $"{k.Kind.Name()} {k.Count:N0}"))),
                    Markup.Escape(p.DistinctLocalPorts > 3 ? $"{p.DistinctLocalPorts} ports" : string.Join(",", p.LocalPorts.Entries().Select(e => e.Port).Order())),
                    Time(p.First == DateTime.MaxValue ? null : p.First, r.Clock),
                    Time(p.Last == DateTime.MinValue ? null : p.Last, r.Clock));
            }
            console.Write(peers);
        }

        if (r.LocalPorts.Count > 0)
        {
            var ports = new Table().Border(TableBorder.Simple).Title("[bold]Local ports[/]").AddColumn("port").AddColumn(new TableColumn("events").RightAligned()).AddColumn(new TableColumn("peers").RightAligned()).AddColumn("by kind");
            foreach (var p in r.LocalPorts.Take(10))
            {
                ports.AddRow(p.Port.ToString(Inv), p.Counts.Total.ToString("N0", Inv), p.DistinctPeers.ToString("N0", Inv),
                    Markup.Escape(string.Join(", ", p.Counts.NonZero().Select(k => $"{k.Kind.Name()} {k.Count:N0}"))));
            }
            console.Write(ports);
        }

        if (r.TreasonEpisodes.Count > 0)
        {
            var ep = new Table().Border(TableBorder.Simple).Title($"[bold]Shrunk-window episodes[/] ({r.TreasonEpisodes.Count:N0} stalls on {r.TreasonEpisodes.Statistics.Connections:N0} connections, from {r.Counts[EventKind.Treason]:N0} lines)")
                .AddColumn("peer").AddColumn("local port").AddColumn("direction").AddColumn(new TableColumn("bytes in flight").RightAligned()).AddColumn(new TableColumn("lines").RightAligned()).AddColumn("first").AddColumn("lasted");
            foreach (var e in r.TreasonEpisodes.Top.Take(10))
            {
                ep.AddRow(Markup.Escape(EventDescription.Format(e.Peer, e.PeerPort)), e.LocalPort.ToString(Inv), e.Direction.ToString().ToLowerInvariant(),
                    e.MaxBytesInFlight.ToString("N0", Inv), e.Lines.ToString("N0", Inv), Time(e.First == DateTime.MaxValue ? null : e.First, r.Clock),
                    e.Span.TotalSeconds >= 1 ? $"{e.Span.TotalSeconds:0} s" : "");
            }
            console.Write(ep);
        }

        if (r.Interfaces.Count > 0)
        {
            var nics = new Table().Border(TableBorder.Simple).Title("[bold]Interfaces[/]")
                .AddColumn("interface").AddColumn("driver").AddColumn("last link").AddColumn(new TableColumn("flaps").RightAligned()).AddColumn("down for").AddColumn(new TableColumn("watchdogs").RightAligned()).AddColumn(new TableColumn("hangs").RightAligned());
            foreach (var n in r.Interfaces)
            {
                var total = n.DownTotal;
                nics.AddRow(Markup.Escape(n.Name), Markup.Escape(n.Driver ?? ""),
                    Markup.Escape(n.LastSpeedMbps > 0 ? $"{n.LastSpeedMbps} Mbps {n.LastDuplex.ToString().ToLowerInvariant()}, fc {EventDescription.FlowText(n.LastFlowControl)}" : ""),
                    n.FlapCount.ToString(Inv), total > TimeSpan.Zero ? $"{total.TotalSeconds:0} s" : "", n.Watchdogs.ToString(Inv), n.Hangs.ToString(Inv));
            }
            console.Write(nics);
        }

        if (r.Timeline.Buckets > 1)
        {
            console.Write(new Rule($"[bold]Timeline[/] (one column = {Bucket(r.Timeline.Bucket)}, from {Time(r.Timeline.Start, r.Clock)})").LeftJustified());
            foreach (var (kind, series) in r.Timeline.Series.OrderBy(s => s.Key))
            {
                console.MarkupLineInterpolated($"{kind.Name(),-20} {Sparkline(series, 100)} {series.Sum():N0}");
            }
        }
    }

    private static string Badge(Severity s) => s switch
    {
        Severity.Critical => "[white on red] CRITICAL [/]",
        Severity.Warning => "[black on yellow] WARNING [/]",
        Severity.Notice => "[black on aqua] NOTICE [/]",
        _ => "[black on grey] INFO [/]",
    };

    private static string Time(DateTime? t, string clock)
        => t is not { } v ? "" : clock == "wall" ? v.ToString("yyyy-MM-dd HH:mm:ss", Inv) : $"+{(v - DateTime.UnixEpoch).TotalSeconds:0.0}s";

    private static string Bucket(TimeSpan b) => b.TotalHours >= 24 ? $"{b.TotalDays:0} d" : b.TotalMinutes >= 60 ? $"{b.TotalHours:0} h" : $"{b.TotalMinutes:0} min";

    /// <summary>Unicode bars, resampled to at most <paramref name="width"/> columns (maximum per column).</summary>
    internal static string Sparkline(long[] series, int width)
    {
        const string bars = " ▁▂▃▄▅▆▇█";
        int cols = Math.Min(width, series.Length);
        var values = new long[cols];
        for (int i = 0; i < series.Length; i++)
        {
            int c = (int)((long)i * cols / series.Length);
            values[c] = Math.Max(values[c], series[i]);
        }
        long max = Math.Max(1, values.Max());
        var chars = new char[cols];
        for (int i = 0; i < cols; i++)
        {
            chars[i] = values[i] == 0 ? bars[0] : bars[1 + (int)((values[i] - 1) * 7 / max)];
        }
        return new string(chars);
    }
}
