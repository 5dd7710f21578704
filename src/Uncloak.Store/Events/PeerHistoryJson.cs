using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// The <c>uncloak.peer/1</c> document (docs/peer.md): written by <c>uncloak peer --json</c> and the dashboard's
/// <c>/api/peers/ADDRESS</c>, so both answer with the same shape.
/// </summary>
public static class PeerHistoryJson
{
    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => Time(t.UtcDateTime);

    /// <summary>A rollup's minute (counted from year 1 on the wall clock) as a time; null for minutes since boot.</summary>
    private static DateTime? Minute(RollupRecord r, long minute) => r.Uptime ? null : new DateTime(minute * TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    /// <summary>A decision's state at <paramref name="now"/>: in force, expired, revoked, refused (why).</summary>
    public static string State(Decision d, DateTimeOffset now) => d.Status switch
    {
        DecisionStatus.Refused => "refused (" + d.Refusal.Name() + ")",
        DecisionStatus.Revoked => "revoked",
        _ => d.Expires > now ? "in force" : "expired",
    };

    /// <summary>Writes <paramref name="h"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, PeerHistory h)
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
    }

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
