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

    private static string State(Decision d, DateTimeOffset now) => PeerHistoryJson.State(d, now);

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

    public static void WriteJson(TextWriter output, PeerHistory h) => JsonOutput.Write(output, w => PeerHistoryJson.Write(w, h));

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
