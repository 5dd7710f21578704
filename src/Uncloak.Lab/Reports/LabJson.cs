using System.Text.Json;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Probe;
using Uncloak.Lab.Runs;

namespace Uncloak.Lab.Reports;

/// <summary>The JSON view of lab cells (<c>uncloak lab run|matrix --json</c>). Pure; availability as a fraction 0..1, latency in ms.</summary>
public static class LabJson
{
    public static void Write(Stream output, IReadOnlyList<CellResult> cells)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", "uncloak.lab.cells/1");
        w.WriteStartArray("cells");
        foreach (var c in cells)
        {
            w.WriteStartObject();
            w.WriteString("attack", c.Attack.Name());
            w.WriteString("defence", c.Defence.Name());
            w.WriteString("victim", c.Victim);
            w.WriteNumber("warmup_seconds", c.WarmupSeconds);
            w.WriteNumber("attack_seconds", c.AttackSeconds);
            Summary(w, "baseline", c.Baseline);
            Summary(w, "during", c.During);
            Summary(w, "steady", c.Steady);
            w.WriteStartObject("attacker");
            w.WriteNumber("sent", c.AttackStats.Sent);
            w.WriteNumber("received", c.AttackStats.Received);
            w.WriteNumber("established", c.AttackStats.Established);
            w.WriteNumber("reset", c.AttackStats.Reset);
            w.WriteNumber("held_at_end", c.AttackStats.HeldAtEnd);
            w.WriteNumber("seconds", Math.Round(c.AttackStats.Elapsed.TotalSeconds, 3));
            w.WriteString("stopped_because", c.AttackStats.StoppedBecause);
            w.WriteEndObject();
            Seconds(w, "recovered_after_seconds", c.RecoveredAfter);
            if (c.Uncloak is { } u)
            {
                w.WriteStartObject("uncloak");
                w.WriteString("daemon", "uncloak watch, shipped defaults");
                Seconds(w, "detected_after_seconds", u.DetectedAfter);
                Seconds(w, "banned_after_seconds", u.BannedAfter);
                Seconds(w, "recovered_after_seconds", c.RecoveredAfter);
                w.WriteNumber("sockets_killed", u.SocketsKilled);
                w.WriteStartArray("banned");
                foreach (var b in u.Bans.Banned)
                {
                    w.WriteStringValue(b);
                }
                w.WriteEndArray();
                w.WriteNumber("ban_drops", u.Bans.DroppedPackets);
                w.WriteStartArray("decisions");
                foreach (var d in u.Decisions)
                {
                    w.WriteStartObject();
                    w.WriteNumber("after_seconds", Math.Round(d.After.TotalSeconds, 3));
                    w.WriteString("scenario", d.Scenario);
                    w.WriteString("action", d.Action);
                    w.WriteString("target", d.Target);
                    w.WriteString("outcome", d.Outcome);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteStartObject("counters");
            foreach (var (name, value) in c.Counters.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(name, value);
            }
            w.WriteEndObject();
            w.WriteStartArray("availability_per_second");
            foreach (var a in c.AvailabilityPerSecond)
            {
                if (a is { } v)
                {
                    w.WriteNumberValue(Math.Round(v, 3));
                }
                else
                {
                    w.WriteNullValue();
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Summary(Utf8JsonWriter w, string name, ProbeSummary s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("requests", s.Requests);
        w.WriteNumber("succeeded", s.Succeeded);
        w.WriteNumber("availability", Math.Round(s.Availability, 4));
        Nullable(w, "p50_ms", s.P50Millis);
        Nullable(w, "p95_ms", s.P95Millis);
        w.WriteEndObject();
    }

    private static void Seconds(Utf8JsonWriter w, string name, TimeSpan? value) => Nullable(w, name, value?.TotalSeconds);

    private static void Nullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, Math.Round(v, 2));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
