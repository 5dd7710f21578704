using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Decisions;

namespace Uncloak.Cli.Rendering;

/// <summary>
/// The terminal view of a daemon's status document (<c>uncloak.status/1</c>): pure, the document in, lines out. Sections
/// follow the pipeline: sources, scenarios, bans, probes and outages, alerts.
/// </summary>
public static class StatusRenderer
{
    public static void Render(JsonElement s, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        long uptime = s.GetProperty("uptime_seconds").GetInt64();
        o.WriteLine(string.Create(inv, $"uncloak {s.GetProperty("version").GetString()}, pid {s.GetProperty("pid").GetInt32()}, up {DurationText.Format(TimeSpan.FromSeconds(uptime))} (since {s.GetProperty("started").GetString()})"));
        o.WriteLine($"bans: {s.GetProperty("bans").GetString()}; store {s.GetProperty("store").GetString()}{(s.GetProperty("store_blocked").GetBoolean() ? " — BLOCKED: writes are failing and every source is held" : "")}");

        o.WriteLine();
        o.WriteLine("sources");
        foreach (var src in s.GetProperty("sources").EnumerateArray())
        {
            o.WriteLine(string.Create(inv, $"  {src.GetProperty("name").GetString(),-40} {src.GetProperty("records").GetInt64(),10:N0} records {src.GetProperty("events").GetInt64(),8:N0} events  lag {src.GetProperty("lag_seconds").GetDouble():0.000} s  gaps {src.GetProperty("gaps").GetInt64()}  restarts {src.GetProperty("restarts").GetInt64()}"));
        }

        o.WriteLine();
        o.WriteLine("scenarios                                   events  filling  actions");
        foreach (var sc in s.GetProperty("scenarios").EnumerateArray())
        {
            var actions = string.Join(", ", sc.GetProperty("decisions").EnumerateObject().Select(p => string.Create(inv, $"{p.Name} {p.Value.GetInt64()}")));
            o.WriteLine(string.Create(inv, $"  {sc.GetProperty("name").GetString(),-38} {sc.GetProperty("events").GetInt64(),8:N0} {sc.GetProperty("buckets").GetInt64(),8:N0}  {(actions.Length == 0 ? "-" : actions)}"));
        }

        var bans = s.GetProperty("bans_in_force");
        o.WriteLine();
        o.WriteLine(string.Create(inv, $"bans in force: {bans.GetProperty("total").GetInt64()}"));
        foreach (var g in bans.GetProperty("by_origin").EnumerateArray())
        {
            string scenario = g.GetProperty("scenario").ValueKind == JsonValueKind.String ? " / " + g.GetProperty("scenario").GetString() : "";
            o.WriteLine(string.Create(inv, $"  {g.GetProperty("origin").GetString() + scenario,-40} {g.GetProperty("count").GetInt64(),8:N0}"));
        }

        o.WriteLine();
        var probes = s.GetProperty("probes");
        o.WriteLine(probes.GetArrayLength() == 0 ? "probes: none configured" : "probes");
        foreach (var p in probes.EnumerateArray())
        {
            o.WriteLine(string.Create(inv, $"  {p.GetProperty("name").GetString(),-40} {(p.GetProperty("up").GetBoolean() ? "up" : "DOWN"),-5} {p.GetProperty("latency_seconds").GetDouble():0.000} s  failures {p.GetProperty("failures").GetInt64()}  outages {p.GetProperty("outages").GetInt64()}"));
        }
        foreach (var outage in s.GetProperty("open_outages").EnumerateArray())
        {
            o.WriteLine(string.Create(inv, $"  OUTAGE #{outage.GetProperty("id").GetInt64()} {outage.GetProperty("probe").GetString()} since {outage.GetProperty("since").GetString()}"));
        }

        o.WriteLine();
        var alerts = s.GetProperty("recent_alerts");
        o.WriteLine(alerts.GetArrayLength() == 0 ? "recent alerts: none" : "recent alerts (newest last)");
        foreach (var a in alerts.EnumerateArray())
        {
            o.WriteLine($"  {a.GetProperty("time").GetString()} {a.GetProperty("severity").GetString(),-8} {a.GetProperty("title").GetString()}{(a.GetProperty("sent").GetBoolean() ? "" : " (held back)")}");
        }
    }

    /// <summary>True when every probe is up and no outage is open (exit 0); otherwise <c>status</c> exits 1.</summary>
    public static bool Healthy(JsonElement s)
        => s.GetProperty("open_outages").GetArrayLength() == 0 && s.GetProperty("probes").EnumerateArray().All(p => p.GetProperty("up").GetBoolean());
}
