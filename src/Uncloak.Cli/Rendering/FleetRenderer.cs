using System.Globalization;
using Uncloak.Core.Decisions;
using Uncloak.Fleet.Hosts;

namespace Uncloak.Cli.Rendering;

/// <summary>The fleet's hosts for a terminal or as JSON; pure: records and the time in, text out.</summary>
internal static class FleetRenderer
{
    public static void Status(TextWriter output, IReadOnlyList<HostRecord> hosts, DateTimeOffset now, TimeSpan silent)
    {
        if (hosts.Count == 0)
        {
            output.WriteLine("no host has reported yet (agents write a heartbeat every 10 s once connected)");
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"HOST",-20} {"LAST SEEN",-12} {"VERSION",-12} {"BANS",7} {"APPLIED",8} {"REFUSED",8}  BY ORIGIN"));
        foreach (var h in hosts)
        {
            // Whole seconds, at least one: clocks of two hosts differ by less than that when NTP runs.
            var age = TimeSpan.FromSeconds(Math.Max(1, Math.Round((now - h.Seen).TotalSeconds)));
            var seen = DurationText.Format(age) + (age > silent ? " SILENT" : " ago");
            var origins = string.Join(", ", h.BansByOrigin.OrderByDescending(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{h.Host,-20} {seen,-12} {h.Version,-12} {h.BansInForce,7} {h.Applied,8} {h.Refused,8}  {origins}"));
        }
    }

    public static void StatusJson(TextWriter output, IReadOnlyList<HostRecord> hosts, DateTimeOffset now, TimeSpan silent)
        => JsonOutput.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.fleet.status/1");
            w.WriteStartArray("hosts");
            foreach (var h in hosts)
            {
                w.WriteStartObject();
                w.WriteString("host", h.Host);
                w.WriteString("version", h.Version);
                w.WriteString("seen", h.Seen.UtcDateTime);
                w.WriteBoolean("silent", now - h.Seen > silent);
                w.WriteNumber("bans_in_force", h.BansInForce);
                w.WriteStartObject("bans_by_origin");
                foreach (var (origin, count) in h.BansByOrigin.OrderBy(o => o.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(origin, count);
                }
                w.WriteEndObject();
                w.WriteNumber("applied", h.Applied);
                w.WriteNumber("refused", h.Refused);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
}
