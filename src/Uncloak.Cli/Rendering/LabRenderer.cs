using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Uncloak.Core.Reports;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Reports;
using Uncloak.Lab.Runs;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Rendering;

/// <summary>The terminal and JSON views of `uncloak lab`.</summary>
public static class LabRenderer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void WriteStatus(TextWriter output, LabStatus status, bool json)
    {
        if (json)
        {
            WriteJson(output, "uncloak.lab.status/1", w =>
            {
                w.WriteString("prefix", status.Prefix);
                w.WriteString("state", status.IsUp ? "up" : status.IsDown ? "down" : "partial");
                w.WriteStartArray("namespaces");
                foreach (var n in status.Namespaces)
                {
                    w.WriteStartObject();
                    w.WriteString("name", n.Name);
                    w.WriteBoolean("exists", n.Exists);
                    w.WriteStrings("addresses", n.Addresses);
                    w.WriteStartArray("processes");
                    foreach (int p in n.Processes)
                    {
                        w.WriteNumberValue(p);
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            return;
        }
        var table = new Table().AddColumns("namespace", "exists", "addresses", "processes");
        foreach (var n in status.Namespaces)
        {
            table.AddRow(Markup.Escape(n.Name), n.Exists ? "yes" : "no", Markup.Escape(string.Join(" ", n.Addresses)),
                string.Join(" ", n.Processes.Select(p => p.ToString(Inv))));
        }
        var console = Terminal.For(output);
        console.Write(table);
        console.WriteLine(status.IsUp ? "The lab is up." : status.IsDown ? "The lab is down." : "The lab is partly up: run 'uncloak lab down'.");
    }

    public static void WriteRemoved(TextWriter output, IReadOnlyList<string> removed, bool json)
    {
        if (json)
        {
            WriteJson(output, "uncloak.lab.down/1", w => w.WriteStrings("removed", removed));
            return;
        }
        output.WriteLine(removed.Count == 0 ? "The lab was not up: nothing to remove." : $"Removed {string.Join(", ", removed)}.");
    }

    public static void WriteCells(TextWriter output, IReadOnlyList<CellResult> cells)
    {
        var table = new Table().AddColumns("attack", "defence", "baseline", "during", "steady", "p50 ms", "p95 ms", "attacker pkts", "key counters", "detect / ban / recover", "killed", "banned");
        foreach (var c in cells)
        {
            string steady = Pct(c.Steady.Availability);
            steady = c.Steady.Availability >= 0.95 ? $"[green]{steady}[/]" : c.Steady.Availability < 0.5 ? $"[red]{steady}[/]" : steady;
            var counters = c.Counters.Where(k => k.Value > 0).OrderByDescending(k => k.Value).Take(3)
                .Select(k => $"{k.Key[(k.Key.IndexOf('.') + 1)..]} {k.Value.ToString("N0", Inv)}");
            table.AddRow(c.Attack.Name(), c.Defence.Name(), Pct(c.Baseline.Availability), Pct(c.During.Availability), steady,
                Ms(c.Steady.P50Millis), Ms(c.Steady.P95Millis), c.AttackStats.Sent.ToString("N0", Inv),
                Markup.Escape(string.Join(", ", counters)), Markup.Escape(LabTimes.Text(c)),
                c.Uncloak?.SocketsKilled.ToString(Inv) ?? "–", Markup.Escape(LabTimes.Bans(c)));
        }
        var console = Terminal.For(output);
        console.Write(table);
        if (cells.Count > 0)
        {
            console.WriteLine($"Victim: {cells[0].Victim}. Availability: share of probe requests answered 200 within the timeout; " +
                              "steady = the attack after the defence had time to act; detect / ban / recover = seconds from the attack's start to " +
                              "the daemon's first decision, to the first ban in the kernel's set, and to availability back at 95 % for the rest of the attack.");
        }
    }

    private static string Pct(double v) => v.ToString("0.0 %", Inv);

    private static string Ms(double? v) => v is { } x ? x.ToString("0.0", Inv) : "–";

    private static void WriteJson(TextWriter output, string schema, Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", schema);
            body(w);
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
