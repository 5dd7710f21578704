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
