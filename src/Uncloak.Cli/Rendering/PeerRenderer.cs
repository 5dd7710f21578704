using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Rendering;

/// <summary>The terminal and JSON views of <see cref="PeerHistory"/> (<c>uncloak.peer/1</c>): pure, the history in, text out.</summary>
public static class PeerRenderer
{
    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => Time(t.UtcDateTime);

    /// <summary>A rollup's minute (counted from year 1 on the wall clock) as a time; null for minutes since boot.</summary>
    private static DateTime? Minute(RollupRecord r, long minute) => r.Uptime ? null : new DateTime(minute * TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    private static string State(Decision d, DateTimeOffset now) => d.Status switch
    {
        DecisionStatus.Refused => "refused (" + d.Refusal.Name() + ")",
        DecisionStatus.Revoked => "revoked",
        _ => d.Expires > now ? "in force" : "expired",
    };

    public static void Render(TextWriter o, PeerHistory h)
    {
        var inv = CultureInfo.InvariantCulture;
        bool banned = h.Decisions.Any(d => d.IsInForceAt(h.Now));
        o.WriteLine($"{h.Address}: {(banned ? "BANNED now" : "not banned now")}; {h.PriorOffences} earlier offence(s) in 30 days (the next ban escalates from them)");
        o.WriteLine();
        if (h.Events.Count == 0 && h.Rollups.Count == 0)
        {
            o.WriteLine("events: none stored for this address");
        }
        else
        {
            o.WriteLine(string.Create(inv, $"events: {h.Events.Count:N0} stored"));
            foreach (var g in h.Episodes.GroupBy(e => e.Kind).OrderBy(g => g.Min(e => e.First)))
            {
                o.WriteLine(string.Create(inv, $"  {g.Key.Name(),-22} {g.Sum(e => e.Events),8:N0} events in {g.Count():N0} episode(s), {Time(g.Min(e => e.First))} .. {Time(g.Max(e => e.Last))}"));
            }
            foreach (var e in h.Episodes.TakeLast(20))
            {
                o.WriteLine(string.Create(inv, $"    {Time(e.First)} .. {Time(e.Last)}  {e.Kind.Name()} on :{e.LocalPort}, {e.Events:N0} event(s)"));
            }
            foreach (var r in h.Rollups)
            {
                o.WriteLine(string.Create(inv, $"  {r.Kind.Name(),-22} {r.Count,8:N0} lines (aggregated){(Minute(r, r.FirstMinute) is { } f && Minute(r, r.LastMinute) is { } l ? $", {Time(f)} .. {Time(l)}" : "")}"));
            }
        }
        o.WriteLine();
        if (h.Decisions.Count == 0)
        {
            o.WriteLine("decisions: none");
            return;
        }
        o.WriteLine("decisions (oldest first)");
        foreach (var d in h.Decisions)
        {
            o.WriteLine(string.Create(inv, $"  #{d.Id} {d.Target} {State(d, h.Now)}: {d.Origin}{(d.Scenario is null ? "" : " / " + d.Scenario)}, {Time(d.Created)} for {DurationText.Format(d.Duration)} (until {Time(d.Expires)}){(d.Repeat > 0 ? $", repeat {d.Repeat}" : "")}"));
            o.WriteLine($"      reason: {(d.Status == DecisionStatus.Refused ? d.RefusalMessage : d.Reason)}");
            if (d.Renewals > 0 && d.Renewed is { } renewed)
            {
                o.WriteLine(string.Create(inv, $"      re-banned {d.Renewals} time(s) while in force, last {Time(renewed)}"));
            }
            if (d.Evidence is { } ev)
            {
                o.WriteLine(string.Create(inv, $"      evidence: {ev.Events} event(s) since {Time(ev.First)}; the last one:"));
                o.WriteLine(h.Evidence.TryGetValue(d.Id, out var found)
                    ? $"        {found.Source} @{ev.Offset}: {found.Event.Text ?? found.Event.Event.Kind.Name()}"
                    : $"        source {ev.SourceId} @{ev.Offset} (pruned from the store)");
            }
            if (d.Revoked is { } revoked)
            {
                o.WriteLine($"      revoked {Time(revoked)} by {d.RevokedBy ?? "(not recorded)"}");
            }
        }
    }

    public static void WriteJson(TextWriter output, PeerHistory h) => JsonOutput.Write(output, w =>
    {
        w.WriteStartObject();
        w.WriteString("schema", "uncloak.peer/1");
        w.WriteString("address", h.Address.ToString());
        w.WriteBoolean("banned", h.Decisions.Any(d => d.IsInForceAt(h.Now)));
        w.WriteNumber("prior_offences", h.PriorOffences);
        w.WriteNumber("events", h.Events.Count);
        w.WriteStartArray("kinds");
        foreach (var g in h.Episodes.GroupBy(e => e.Kind).OrderBy(g => g.Min(e => e.First)))
        {
            w.WriteStartObject();
            w.WriteString("kind", g.Key.Name());
            w.WriteNumber("events", g.Sum(e => e.Events));
            w.WriteNumber("episodes", g.Count());
            w.WriteString("first", Time(g.Min(e => e.First)));
            w.WriteString("last", Time(g.Max(e => e.Last)));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("episodes");
        foreach (var e in h.Episodes)
        {
            w.WriteStartObject();
            w.WriteString("kind", e.Kind.Name());
            w.WriteNumber("local_port", e.LocalPort);
            w.WriteString("first", Time(e.First));
            w.WriteString("last", Time(e.Last));
            w.WriteNumber("events", e.Events);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("aggregated");
        foreach (var r in h.Rollups)
        {
            w.WriteStartObject();
            w.WriteString("kind", r.Kind.Name());
            w.WriteNumber("count", r.Count);
            WriteTimeOrNull(w, "first", Minute(r, r.FirstMinute));
            WriteTimeOrNull(w, "last", Minute(r, r.LastMinute));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("decisions");
        foreach (var d in h.Decisions)
        {
            w.WriteStartObject();
            w.WriteNumber("id", d.Id);
            w.WriteString("target", d.Target.ToString());
            w.WriteString("state", State(d, h.Now));
            w.WriteString("origin", d.Origin);
            WriteStringOrNull(w, "scenario", d.Scenario);
            w.WriteString("reason", d.Status == DecisionStatus.Refused ? d.RefusalMessage : d.Reason);
            w.WriteString("created", Time(d.Created));
            w.WriteString("expires", Time(d.Expires));
            w.WriteNumber("duration_seconds", (long)d.Duration.TotalSeconds);
            w.WriteNumber("repeat", d.Repeat);
            w.WriteNumber("renewals", d.Renewals);
            WriteTimeOrNull(w, "renewed", d.Renewed?.UtcDateTime);
            WriteTimeOrNull(w, "revoked", d.Revoked?.UtcDateTime);
            WriteStringOrNull(w, "revoked_by", d.RevokedBy);
            if (d.Evidence is { } ev)
            {
                w.WriteStartObject("evidence");
                w.WriteNumber("source_id", ev.SourceId);
                w.WriteNumber("offset", ev.Offset);
                w.WriteString("first", Time(ev.First));
                w.WriteNumber("events", ev.Events);
                if (h.Evidence.TryGetValue(d.Id, out var found))
                {
                    w.WriteString("source", found.Source);
                    w.WriteString("kind", found.Event.Event.Kind.Name());
                    WriteTimeOrNull(w, "time", found.Event.Event.HasTime ? found.Event.Event.Time : null);
                    if (found.Event.Text is { } text)
                    {
                        w.WriteString("text", text);
                    }
                }
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("evidence");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteTimeOrNull(Utf8JsonWriter w, string name, DateTime? t) => WriteStringOrNull(w, name, t is { } v ? Time(v) : null);

    private static void WriteStringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
