using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

public sealed class OutageCorrelationTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_kind_that_precedes_most_outages_has_a_high_lift_and_one_spread_evenly_is_called_unrelated()
    {
        var events = new List<(DateTime, EventKind, long)>();
        var outages = new List<OutageSpan>();
        // Ten days; an outage every day at noon, zero-window holds in the 10 minutes before 9 of them.
        for (int d = 0; d < 10; d++)
        {
            var noon = T0.AddDays(d).AddHours(12);
            outages.Add(new OutageSpan("site", noon, noon.AddMinutes(3), "timeout", ""));
            if (d != 4)
            {
                events.Add((noon.AddMinutes(-4), EventKind.ZeroWindowHold, 3));
            }
            // Treason every five minutes, all day: it is background.
            for (int m = 0; m < 24 * 60; m += 5)
            {
                events.Add((T0.AddDays(d).AddMinutes(m + 2), EventKind.Treason, 1));
            }
        }
        var report = OutageCorrelation.Build(outages, events, TimeSpan.FromMinutes(10), T0, T0.AddDays(10));
        var zw = report.Lifts.Single(l => l.Kind == EventKind.ZeroWindowHold);
        var treason = report.Lifts.Single(l => l.Kind == EventKind.Treason);
        Assert.Equal(9, zw.Preceded);
        Assert.True(zw.Related);
        Assert.StartsWith("zero window hold preceded 9 of 10 outages (lift ", zw.Sentence, StringComparison.Ordinal);
        Assert.True(zw.Lift > 100, $"lift {zw.Lift}");
        Assert.Equal(10, treason.Preceded);
        Assert.False(treason.Related);
        Assert.EndsWith("unrelated to your outages", treason.Sentence, StringComparison.Ordinal);
        // Per outage, the zero-window holds rank first (unusual), treason after (at its usual rate).
        Assert.Equal(EventKind.ZeroWindowHold, report.Outages[0].Kinds[0].Kind);
        Assert.Equal(3, report.Outages[0].Kinds[0].Count);
    }

    [Fact]
    public void Without_outages_every_kind_says_so()
    {
        var report = OutageCorrelation.Build([], [(T0, EventKind.SynFlood, 1)], TimeSpan.FromMinutes(10));
        Assert.Equal("syn flood: no outages recorded yet", Assert.Single(report.Lifts).Sentence);
    }
}

public sealed class OutageHtmlTests
{
    [Fact]
    public void The_html_report_shades_each_outage_as_a_band_on_every_timeline_and_escapes_text()
    {
        var t0 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var outages = new List<Uncloak.Core.Analysis.OutageSpan>
        {
            new("<script>", t0.AddHours(2), t0.AddHours(2).AddMinutes(5), "timeout", ""),
            new("site", t0.AddHours(6), t0.AddHours(6).AddMinutes(5), "refused", ""),
        };
        var events = new List<(DateTime, Uncloak.Core.Events.EventKind, long)>
        {
            (t0, Uncloak.Core.Events.EventKind.Treason, 1),
            (t0.AddHours(2).AddMinutes(-3), Uncloak.Core.Events.EventKind.ZeroWindowHold, 2),
            (t0.AddHours(6).AddMinutes(-3), Uncloak.Core.Events.EventKind.ZeroWindowHold, 2),
            (t0.AddHours(8), Uncloak.Core.Events.EventKind.Treason, 1),
        };
        var report = Uncloak.Core.Analysis.OutageCorrelation.Build(outages, events, TimeSpan.FromMinutes(10));
        var html = Uncloak.Core.Reports.OutageHtml.Render(report, events, t0.AddDays(1));
        int timelines = report.Lifts.Count;
        Assert.Equal(2, timelines);
        Assert.Equal(outages.Count * timelines, html.Split("fill=\"#d73a49\" fill-opacity=\"0.18\"").Length - 1);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("zero window hold preceded 2 of 2 outages", html, StringComparison.Ordinal);
    }
}
