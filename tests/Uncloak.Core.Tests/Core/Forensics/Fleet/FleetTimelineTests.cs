using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Forensics.Fleet;
using Xunit;

namespace Uncloak.Core.Tests.Forensics.Fleet;

/// <summary>
/// Every file under samples/fleet/timeline is the evidence several hosts published (outages, per-peer alert summaries)
/// with the findings the fleet's timeline must draw from it, in order. Adding a file adds a case.
/// </summary>
public sealed class FleetTimelineTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "samples", "fleet", "timeline");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    private static DateTime Time(JsonElement e) => DateTime.Parse(e.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evidence_from_several_hosts_gives_the_expected_findings(string name)
    {
        var c = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name))).RootElement;
        var outages = c.GetProperty("outages").EnumerateArray().Select(o => new FleetOutage(o.GetProperty("host").GetString()!, o.GetProperty("probe").GetString()!,
            Time(o.GetProperty("start")), o.GetProperty("end").ValueKind == JsonValueKind.Null ? null : Time(o.GetProperty("end")), o.GetProperty("cause").GetString()!,
            o.TryGetProperty("of", out var of) ? of.GetString() : null)).ToList();
        var alerts = c.GetProperty("alerts").EnumerateArray().Select(a => new FleetPeerAlert(a.GetProperty("host").GetString()!, a.GetProperty("peer").GetString()!,
            a.GetProperty("scenario").GetString()!, a.GetProperty("alerts").GetInt32(), Time(a.GetProperty("first")), Time(a.GetProperty("last")))).ToList();

        var report = FleetTimeline.Build(outages, alerts, Time(c.GetProperty("now")), TimeSpan.FromSeconds(c.GetProperty("slack_seconds").GetInt32()));

        var expect = c.GetProperty("expect").EnumerateArray().ToList();
        Assert.Equal(expect.Count, report.Findings.Count);
        for (int i = 0; i < expect.Count; i++)
        {
            var (e, f) = (expect[i], report.Findings[i]);
            Assert.Equal(e.GetProperty("kind").GetString(), f.Kind.ToString());
            Assert.Equal(e.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!), f.Hosts);
            Assert.Equal(Time(e.GetProperty("start")), f.Start);
            Assert.Equal(Time(e.GetProperty("end")), f.End);
            Assert.Equal(e.TryGetProperty("peer", out var peer) ? peer.GetString() : null, f.Peer);
            if (e.TryGetProperty("alerts", out var n))
            {
                Assert.Contains(n.GetInt32().ToString(CultureInfo.InvariantCulture) + " alerts", f.Text, StringComparison.Ordinal);
            }
        }
        // The timeline holds every outage, by start.
        Assert.Equal(outages.Count, report.Outages.Count);
        Assert.Equal(report.Outages.OrderBy(o => o.Start), report.Outages);
    }

    [Fact]
    public void Outages_further_apart_than_the_slack_are_separate_episodes_and_closer_ones_one()
    {
        var t = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
        FleetOutage[] outages = [new("a", "site", t, t.AddSeconds(10), "timeout"), new("b", "site", t.AddSeconds(20), t.AddSeconds(30), "timeout")];

        Assert.Equal([FleetFindingKind.LoneOutage, FleetFindingKind.LoneOutage], FleetTimeline.Build(outages, [], t.AddHours(1), TimeSpan.FromSeconds(9)).Findings.Select(f => f.Kind));
        var joined = Assert.Single(FleetTimeline.Build(outages, [], t.AddHours(1), TimeSpan.FromSeconds(10)).Findings);
        Assert.Equal(FleetFindingKind.SharedOutage, joined.Kind);
        Assert.Equal(t.AddSeconds(30), joined.End);
    }
}
