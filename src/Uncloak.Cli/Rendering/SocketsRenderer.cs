using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;
using Uncloak.Core.Counters;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;

namespace Uncloak.Cli.Rendering;

/// <summary>Human and JSON views of `sockets`: findings per peer and per listener, the listener view, and what to do.</summary>
public static class SocketsRenderer
{
    public static void WriteJson(TextWriter output, SocketFindings findings, int malformed, IReadOnlyList<CounterReading>? counters = null, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.sockets/1");
            w.WriteString("time", findings.Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteNumber("sockets", findings.SocketCount);
            w.WriteNumber("malformed", malformed);
            w.WriteStartArray("findings");
            foreach (var h in findings.ZeroWindowHolds)
            {
                WriteEvent(w, h.ToEvent(findings.Time), () =>
                {
                    w.WriteBoolean("climbing", h.Climbing);
                    w.WriteStartArray("connections");
                    foreach (var s in h.Sockets)
                    {
                        w.WriteStartObject();
                        WriteSocket(w, s.Socket);
                        w.WriteString("form", s.Form == ZeroWindowForm.WindowShrunk ? "window_shrunk" : "peer_not_reading");
                        w.WriteNumber("stuck_bytes", s.StuckBytes);
                        w.WriteNumber("stalled_ms", s.StalledMillis);
                        w.WriteNumber("probes", s.Probes);
                        w.WriteNumber("backoff", s.Backoff);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
            }
            foreach (var r in findings.SlowReads)
            {
                WriteEvent(w, r.ToEvent(findings.Time), () => w.WriteBoolean("confirmed_by_series", r.ConfirmedBySeries));
            }
            foreach (var f in findings.SynRecvFloods)
            {
                WriteEvent(w, f.ToEvent(findings.Time), () =>
                {
                    w.WriteNumber("completed_sources", f.CompletedSources);
                    w.WriteString("verdict", f.Verdict);
                    w.WriteStartArray("top_prefixes");
                    foreach (var p in f.TopPrefixes)
                    {
                        w.WriteStartObject();
                        w.WriteString("prefix", $"{p.Prefix}/{p.Bits}");
                        w.WriteNumber("half_open", p.HalfOpen);
                        w.WriteNumber("sources", p.Sources);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
            }
            foreach (var a in findings.AcceptQueueExhaustions)
            {
                WriteEvent(w, a.ToEvent(findings.Time), null);
            }
            w.WriteEndArray();
            w.WriteStartArray("listeners");
            foreach (var l in findings.Listeners)
            {
                w.WriteStartObject();
                w.WriteString("local", l.Local.ToString());
                w.WriteNumber("local_port", l.LocalPort);
                w.WriteNumber("backlog", l.Backlog);
                w.WriteNumber("accept_queue", l.AcceptQueue);
                w.WriteNumber("syn_recv", l.SynRecv);
                w.WriteNumber("established", l.Established);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (counters is not null)
            {
                // Cross-check: the same namespace's counters (e.g. TCPWinProbe rising confirms zero-window holds).
                w.WriteStartObject("counters");
                foreach (var c in counters)
                {
                    w.WriteNumber(c.Signal.Name, c.Value);
                }
                w.WriteEndObject();
            }
            w.WriteStartObject("explanations");
            foreach (var kind in findings.Events().Select(e => e.Kind).Distinct())
            {
                if (MessageCatalog.For(kind) is { } e)
                {
                    w.WriteStartObject(kind.Name());
                    w.WriteString("summary", e.Summary);
                    w.WriteStartArray("actions");
                    foreach (var action in e.Actions)
                    {
                        w.WriteStringValue(action);
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteEvent(Utf8JsonWriter w, NetEvent ev, Action? extra)
    {
        w.WriteStartObject();
        foreach (var (name, value) in EventFields.Of(ev))
        {
            if (name == "time")
            {
                continue;
            }
            switch (value)
            {
                case long l:
                    w.WriteNumber(name, l);
                    break;
                case "true" or "false" when name == "spoofed":
                    w.WriteBoolean(name, (string)value == "true");
                    break;
                default:
                    w.WriteString(name, value.ToString());
                    break;
            }
        }
        extra?.Invoke();
        w.WriteEndObject();
    }

    private static void WriteSocket(Utf8JsonWriter w, in SocketRecord s)
    {
        w.WriteString("local", s.Id.Local.ToString());
        w.WriteNumber("local_port", s.Id.LocalPort);
        w.WriteString("peer", s.Id.Remote.ToString());
        w.WriteNumber("peer_port", s.Id.RemotePort);
        w.WriteString("state", s.State.Name());
        w.WriteString("timer", s.Timer.ToString().ToLowerInvariant());
        w.WriteNumber("send_queue", s.WQueue);
        if (s.Info.HasSndWnd)
        {
            w.WriteNumber("snd_wnd", s.Info.SndWnd);
        }
        w.WriteNumber("unacked", s.Info.Unacked);
        if (s.Info.HasNotsentBytes)
        {
            w.WriteNumber("notsent_bytes", s.Info.NotsentBytes);
        }
        w.WriteNumber("cookie", s.Id.Cookie);
    }

    /// <summary>The human view as one renderable, so the live display can redraw it.</summary>
    public static IRenderable Build(SocketFindings findings, int malformed, IReadOnlyList<CounterReading>? counters = null)
    {
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]TCP socket table[/] at {findings.Time:yyyy-MM-dd HH:mm:ss}Z: {findings.SocketCount:N0} sockets" +
                (malformed > 0 ? $", [yellow]{malformed} undecodable[/]" : "")),
        };
        if (!findings.Any)
        {
            rows.Add(new Markup("[green]No peer is holding windows shut, trickling, flooding a listener or filling an accept queue.[/]"));
        }
        else
        {
            var table = new Table().Border(TableBorder.Simple).Title("[bold]Findings[/]")
                .AddColumn("finding").AddColumn("peer / source").AddColumn("local").AddColumn("evidence");
            foreach (var h in findings.ZeroWindowHolds)
            {
                table.AddRow(
                    h.Form == ZeroWindowForm.WindowShrunk ? "[red]zero_window_hold (shrunk)[/]" : "[red]zero_window_hold[/]",
                    Markup.Escape(h.Peer.ToString()),
                    h.LocalPort.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape($"{h.Sockets.Count} conn, {h.StuckBytes:N0} bytes stuck, {h.LongestMillis / 1000.0:0.#} s, probes {h.MaxProbes}, backoff {h.MaxBackoff}{(h.Climbing ? ", climbing" : "")}"));
            }
            foreach (var r in findings.SlowReads)
            {
                table.AddRow("[yellow]slow_read[/]", Markup.Escape(r.Peer.ToString()), r.LocalPort.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape($"{r.Connections} conn idle ≥ {r.ShortestIdleMillis / 1000.0:0} s, {r.BytesReceived:N0} bytes received{(r.ConfirmedBySeries ? ", no progress since last look" : "")}"));
            }
            foreach (var f in findings.SynRecvFloods)
            {
                table.AddRow("[red]syn_recv_flood[/]",
                    Markup.Escape(string.Join(", ", f.TopPrefixes.Take(3).Select(p => $"{p.Prefix}/{p.Bits}×{p.HalfOpen}"))),
                    Markup.Escape(EventDescription.Format(f.Local, f.LocalPort)),
                    Markup.Escape($"{f.HalfOpen} half-open; {f.Verdict}"));
            }
            foreach (var a in findings.AcceptQueueExhaustions)
            {
                table.AddRow("[red]accept_queue_full[/]", "", Markup.Escape(EventDescription.Format(a.Listener.Local, a.Listener.LocalPort)),
                    Markup.Escape($"accept queue {a.Listener.AcceptQueue} of backlog {a.Listener.Backlog}, {a.Listener.SynRecv} half-open"));
            }
            rows.Add(table);
        }
        if (findings.Listeners.Count > 0)
        {
            var lt = new Table().Border(TableBorder.Simple).Title("[bold]Listeners[/]")
                .AddColumn("listener").AddColumn(new TableColumn("backlog").RightAligned()).AddColumn(new TableColumn("accept queue").RightAligned())
                .AddColumn(new TableColumn("SYN-RECV").RightAligned()).AddColumn(new TableColumn("established").RightAligned());
            foreach (var l in findings.Listeners.Take(30))
            {
                lt.AddRow(Markup.Escape(EventDescription.Format(l.Local, l.LocalPort)), l.Backlog.ToString(CultureInfo.InvariantCulture),
                    l.AcceptQueueFill >= 0.9 ? $"[red]{l.AcceptQueue}[/]" : l.AcceptQueue.ToString(CultureInfo.InvariantCulture),
                    l.SynRecv.ToString(CultureInfo.InvariantCulture), l.Established.ToString(CultureInfo.InvariantCulture));
            }
            rows.Add(lt);
        }
        if (counters is { Count: > 0 })
        {
            rows.Add(new Markup("[bold]Counters[/] " + Markup.Escape(string.Join("  ", counters.Select(c =>
                $"{c.Signal.Name[(c.Signal.Name.IndexOf('.', StringComparison.Ordinal) + 1)..]} {c.Value:0}" +
                (c.Delta > 0 ? $" (+{c.PerSecond:0.#}/s)" : ""))))));
        }
        foreach (var kind in findings.Events().Select(e => e.Kind).Distinct())
        {
            if (MessageCatalog.For(kind) is { } e)
            {
                rows.Add(new Markup($"[bold]{Markup.Escape(kind.Name())}[/]: {Markup.Escape(e.Summary)}\n  What to do: {Markup.Escape(e.Actions[0])}\n  [dim]More: uncloak explain --kind {Markup.Escape(kind.Name())}[/]"));
            }
        }
        return new Rows(rows);
    }

    public static void WriteKill(TextWriter output, string what, Uncloak.Linux.Sockets.KillResult? result, KillPlan plan, bool json)
    {
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                w.WriteString("target", what);
                w.WriteNumber("matched", plan.Targets.Count);
                w.WriteNumber("killed", result?.Killed ?? 0);
                w.WriteNumber("already_gone", result?.AlreadyGone ?? 0);
                w.WriteNumber("failed", result?.Failed ?? 0);
                w.WriteStartArray("refused");
                foreach (var r in plan.Refused)
                {
                    w.WriteStartObject();
                    w.WriteString("peer", r.Peer.ToString());
                    w.WriteString("reason", r.Reason);
                    w.WriteNumber("sockets", r.Sockets);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return;
        }
        output.WriteLine($"Killed {result?.Killed ?? 0} socket(s) of {what}" +
            (result is { AlreadyGone: > 0 } ? $" ({result.AlreadyGone} already gone)" : "") +
            (result is { Failed: > 0 } ? $"; {result.Failed} could not be killed (errno {result.FirstErrno})" : "") + ".");
        foreach (var r in plan.Refused)
        {
            output.WriteLine($"Refused to kill {r.Sockets} socket(s) of {r.Peer}: {r.Reason}.");
        }
    }
}
