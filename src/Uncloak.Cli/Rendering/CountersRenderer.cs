using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Uncloak.Core.Counters;

namespace Uncloak.Cli.Rendering;

/// <summary>Human and JSON views of `counters`.</summary>
public static class CountersRenderer
{
    public static void Render(TextWriter output, IReadOnlyList<CounterReading> readings, DateTime time, double intervalSeconds, bool json, bool indented = true)
    {
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
            {
                Write(w, readings, time, intervalSeconds);
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return;
        }
        var console = Terminal.For(output);
        string span = intervalSeconds > 0
            ? string.Create(CultureInfo.InvariantCulture, $"changes over the last {intervalSeconds:0.#} s")
            : "first reading: no rates yet (use --sample or --watch)";
        console.MarkupLineInterpolated($"[bold]TCP counters[/] at {time:yyyy-MM-dd HH:mm:ss}Z, {span}");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("group").AddColumn("counter").AddColumn(new TableColumn("value").RightAligned())
            .AddColumn(new TableColumn("change").RightAligned()).AddColumn(new TableColumn("/s").RightAligned()).AddColumn("meaning");
        foreach (var r in readings.Where(r => r.Present))
        {
            string name = Markup.Escape(r.Signal.Name);
            table.AddRow(
                Markup.Escape(r.Signal.Group),
                r.IsAlarm ? $"[red bold]{name}[/]" : name,
                Number(r.Value),
                r.Signal.Kind == CounterKind.Counter && intervalSeconds > 0 ? Number(r.Delta) : "",
                r.Signal.Kind == CounterKind.Counter && intervalSeconds > 0 ? r.PerSecond.ToString("0.##", CultureInfo.InvariantCulture) : "",
                Markup.Escape(r.Signal.Meaning));
        }
        console.Write(table);
        var missing = readings.Where(r => !r.Present).Select(r => r.Signal.Name).ToList();
        if (missing.Count > 0)
        {
            console.MarkupLineInterpolated($"[dim]Not available here: {string.Join(", ", missing)}[/]");
        }
        var alarms = readings.Where(r => r.IsAlarm).ToList();
        if (alarms.Count > 0)
        {
            console.MarkupLineInterpolated($"[red bold]Alarm:[/] {string.Join(", ", alarms.Select(a => a.Signal.Name))} (see 'uncloak explain --kind counter_alarm')");
        }
    }

    private static void Write(Utf8JsonWriter w, IReadOnlyList<CounterReading> readings, DateTime time, double intervalSeconds)
    {
        w.WriteStartObject();
        w.WriteString("schema", "uncloak.counters/1");
        w.WriteString("time", time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        w.WriteNumber("interval_s", Math.Round(intervalSeconds, 3));
        w.WriteStartArray("counters");
        foreach (var r in readings.Where(r => r.Present))
        {
            w.WriteStartObject();
            w.WriteString("name", r.Signal.Name);
            w.WriteString("group", r.Signal.Group);
            w.WriteString("kind", r.Signal.Kind == CounterKind.Counter ? "counter" : "gauge");
            w.WriteNumber("value", r.Value);
            if (r.Signal.Kind == CounterKind.Counter)
            {
                w.WriteNumber("delta", r.Delta);
                w.WriteNumber("per_second", Math.Round(r.PerSecond, 3));
            }
            w.WriteBoolean("alarm", r.IsAlarm);
            w.WriteString("meaning", r.Signal.Meaning);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("alarms");
        foreach (var r in readings.Where(r => r.IsAlarm))
        {
            w.WriteStringValue(r.Signal.Name);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Number(double v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);
}
