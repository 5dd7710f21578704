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
            if (c.Defender is { } d)
            {
                w.WriteStartObject("uncloak");
                w.WriteNumber("sweeps", d.Sweeps);
                w.WriteNumber("sockets_killed", d.SocketsKilled);
                w.WriteStartArray("banned");
                foreach (var b in d.Banned)
                {
                    w.WriteStringValue(b);
                }
                w.WriteEndArray();
                w.WriteNumber("ban_drops", d.BanDrops);
                if (d.FirstKillAfter is { } first)
                {
                    w.WriteNumber("first_kill_after_seconds", Math.Round(first.TotalSeconds, 3));
                }
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
