using System.Text.Json;
using Spectre.Console;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Uncloak.Core.Reports;

namespace Uncloak.Cli.Rendering;

/// <summary>Human and JSON views of `explain`.</summary>
public static class ExplainRenderer
{
    public static void RenderLine(TextWriter output, DecodedLine decoded, bool json)
    {
        if (json)
        {
            WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.explain/1");
                w.WriteBoolean("recognised", decoded.Event is not null);
                w.WriteString("transport", decoded.Format.ToString());
                w.WriteString("message", decoded.Message);
                if (decoded.Event is { } ev)
                {
                    w.WriteString("kind", ev.Kind.Name());
                    w.WriteStartObject("fields");
                    foreach (var f in EventDescription.Describe(ev))
                    {
                        WriteField(w, f, ev);
                    }
                    w.WriteEndObject();
                    w.WriteStartArray("meanings");
                    foreach (var f in EventDescription.Describe(ev).Where(f => f.Meaning is not null))
                    {
                        w.WriteStartObject();
                        w.WriteString("field", f.Name);
                        w.WriteString("meaning", f.Meaning);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    if (MessageCatalog.For(ev.Kind) is { } e)
                    {
                        w.WritePropertyName("explanation");
                        WriteExplanation(w, e);
                    }
                }
                else if (LinkHeader(decoded) is { } header)
                {
                    w.WriteString("continuation_of", EventKind.Martian.Name());
                    w.WriteStartObject("ll_header");
                    w.WriteString("destination_mac", header.DestinationMac);
                    w.WriteString("source_mac", header.SourceMac);
                    w.WriteString("ethertype", $"0x{header.EtherType:x4}");
                    w.WriteEndObject();
                }
                else if (NearestFamily.Find(decoded.Message) is { } near)
                {
                    w.WriteString("nearest_family", near.Kind.Name());
                }
                w.WriteEndObject();
            });
            return;
        }
        var console = Terminal.For(output);
        if (decoded.Event is not { } evt)
        {
            if (LinkHeader(decoded) is { } header)
            {
                console.MarkupLine("[yellow]Not an event of its own: the second line of a martian report (\"ll header:\").[/]");
                console.MarkupLineInterpolated($"It is the link-layer header of the packet the line before reported: destination MAC {header.DestinationMac}, source MAC [bold]{header.SourceMac}[/] (the neighbour that handed the packet over, often your router), EtherType 0x{header.EtherType:x4}{(header.EtherTypeName is { } name ? $" ({name})" : "")}.");
                console.MarkupLine("Explain the martian line before it for the addresses and what to do ('uncloak explain --kind martian').");
                return;
            }
            console.MarkupLine("[yellow]Not a network message Uncloak knows.[/]");
            console.MarkupLineInterpolated($"Message: {decoded.Message}");
            if (NearestFamily.Find(decoded.Message) is { } near && MessageCatalog.For(near.Kind) is { } e)
            {
                console.MarkupLineInterpolated($"It looks closest to [bold]{near.Kind.Name()}[/] ({e.Title}), but does not parse as any of its forms:");
                foreach (var example in e.Examples)
                {
                    console.MarkupLineInterpolated($"  {example}");
                }
            }
            console.MarkupLine("See 'uncloak explain --list' for every family.");
            return;
        }
        var explanation = MessageCatalog.For(evt.Kind);
        console.Write(new Rule($"[bold]{Markup.Escape(explanation?.Title ?? evt.Kind.Name())}[/]").LeftJustified());
        var table = new Table().Border(TableBorder.Simple).AddColumn("field").AddColumn("value").AddColumn("meaning");
        foreach (var f in EventDescription.Describe(evt))
        {
            table.AddRow(Markup.Escape(f.Name), Markup.Escape(f.Value), Markup.Escape(f.Meaning ?? ""));
        }
        console.Write(table);
        if (explanation is not null)
        {
            RenderExplanationBody(console, explanation);
        }
    }

    private static MartianLinkHeader? LinkHeader(DecodedLine decoded)
        => MartianLinkHeader.TryParse(System.Text.Encoding.ASCII.GetBytes(decoded.Message), out var header) ? header : null;

    public static void RenderFamily(TextWriter output, Explanation explanation, bool json)
    {
        if (json)
        {
            WriteJson(output, w => WriteExplanation(w, explanation));
            return;
        }
        var console = Terminal.For(output);
        console.Write(new Rule($"[bold]{Markup.Escape(explanation.Title)}[/]").LeftJustified());
        console.MarkupLine("[bold]Fields[/]");
        foreach (var f in explanation.Fields)
        {
            console.MarkupLineInterpolated($"  [bold]{f.Name}[/]: {f.Meaning}");
        }
        RenderExplanationBody(console, explanation);
        console.MarkupLine("[bold]Forms[/]");
        foreach (var example in explanation.Examples)
        {
            console.MarkupLineInterpolated($"  {example}");
        }
    }

    public static void RenderList(TextWriter output, bool json)
    {
        if (json)
        {
            WriteJson(output, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.explain.list/1");
                w.WriteStartArray("families");
                foreach (var f in MessageCatalog.Families)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", f.Kind.Name());
                    w.WriteString("title", f.Title);
                    w.WriteString("summary", f.Summary);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return;
        }
        var console = Terminal.For(output);
        var table = new Table().Border(TableBorder.Simple).AddColumn("kind").AddColumn("what it is");
        foreach (var f in MessageCatalog.Families)
        {
            table.AddRow(Markup.Escape(f.Kind.Name()), Markup.Escape(f.Summary));
        }
        console.Write(table);
    }

    private static void RenderExplanationBody(IAnsiConsole console, Explanation e)
    {
        console.MarkupLine("[bold]What the kernel saw[/]");
        console.WriteLine("  " + e.WhatTheKernelSaw);
        console.MarkupLine("[bold]Likely causes, most likely first[/]");
        int i = 1;
        foreach (var c in e.LikelyCauses)
        {
            console.WriteLine($"  {i++}. {c}");
        }
        console.MarkupLine("[bold]Check next[/]");
        foreach (var c in e.Checks)
        {
            console.WriteLine("  - " + c);
        }
        console.MarkupLine("[bold]What to do[/]");
        foreach (var a in e.Actions)
        {
            console.WriteLine("  - " + a);
        }
        console.MarkupLine("[bold]Do kernels print it?[/]");
        console.WriteLine("  " + e.Printing);
        console.MarkupLineInterpolated($"[dim]Kernel source: {e.KernelSource}[/]");
    }

    private static void WriteExplanation(Utf8JsonWriter w, Explanation e)
    {
        w.WriteStartObject();
        w.WriteString("kind", e.Kind.Name());
        w.WriteString("title", e.Title);
        w.WriteString("summary", e.Summary);
        w.WriteString("what_the_kernel_saw", e.WhatTheKernelSaw);
        w.WriteStartArray("fields");
        foreach (var f in e.Fields)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteString("meaning", f.Meaning);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStrings("likely_causes", e.LikelyCauses);
        w.WriteStrings("checks", e.Checks);
        w.WriteStrings("actions", e.Actions);
        w.WriteString("printing", e.Printing);
        w.WriteString("kernel_source", e.KernelSource);
        w.WriteStrings("examples", e.Examples);
        w.WriteEndObject();
    }

    internal static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write) => JsonOutput.Write(output, write);

    /// <summary>
    /// One field with its JSON type (issue 16): counts, ports and sequence numbers as numbers, the time in RFC 3339, the
    /// uptime as seconds; the rest (addresses with ports, directions, names) as the text the terminal shows.
    /// </summary>
    private static void WriteField(Utf8JsonWriter w, DescribedField f, in Uncloak.Core.Events.NetEvent ev)
    {
        string name = f.Name.Replace(' ', '_');
        if (name == "time" && ev.HasTime)
        {
            w.WriteString(name, ev.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (name == "uptime" && ev.UptimeMicros >= 0)
        {
            w.WriteNumber("uptime_seconds", ev.UptimeMicros / 1e6);
        }
        else if (long.TryParse(f.Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n))
        {
            w.WriteNumber(name, n);
        }
        else
        {
            w.WriteString(name, f.Value);
        }
    }
}
