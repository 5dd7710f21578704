using Uncloak.Core.Analysis;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Xunit;

namespace Uncloak.Core.Tests.Reports;

/// <summary>Issue 12, item 5: the outage report's evidence section and bundle links, over hostile bundle contents.</summary>
public sealed class OutageEvidenceHtmlTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    private static (CorrelationReport, OutageSpan, OutageIncident) Sample(string bundle)
    {
        var outage = new OutageSpan("site", T0, T0.AddMinutes(3), "timeout", "");
        var verdict = new Verdict(Layer.Nic, 0.8, [new LayerScore(Layer.Nic, 0.8), new LayerScore(Layer.Shaper, 0.2)],
            [
                new EvidenceItem("nic", "eth0\"><script>alert(1)</script>: tx_timeout_count +3"),
                new EvidenceItem("kernel", "NETDEV WATCHDOG: <b>eth0</b> (e1000e): transmit queue 0 timed out & reset"),
            ],
            ["the link's transmit queue hung while <packets> waited"], "NIC transmit hang on eth0");
        var incident = new Incident { Id = "20260301T100000Z-site", OutageId = 1, Probe = "site", Start = T0 }.With(verdict) with { Bundle = bundle };
        var report = OutageCorrelation.Build([outage], [(T0.AddMinutes(-2), Events.EventKind.NetdevWatchdog, 1)], TimeSpan.FromMinutes(10));
        return (report, outage, new OutageIncident(incident, verdict, ["ethtool-eth0.txt: <sha256 mismatch>"]));
    }

    [Fact]
    public void Each_outage_gets_a_collapsed_section_with_its_ranked_layers_evidence_and_reasoning_all_escaped()
    {
        var (report, outage, incident) = Sample("/var/lib/uncloak/incidents/20260301T100000Z-site");
        string html = OutageHtml.Render(report, [], T0.AddDays(1), o => o == outage ? incident : null, "/var/lib/uncloak");
        Assert.Contains("<details class=\"incident\"><summary>2026-03-01 10:00:00Z · site · <b>nic (0.80)</b> · NIC transmit hang on eth0</summary>", html, StringComparison.Ordinal);
        Assert.Contains("Layers in rank order: nic 0.80, shaper 0.20", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"incidents/20260301T100000Z-site\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>eth0</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<packets>", html, StringComparison.Ordinal);
        Assert.Contains("eth0&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;: tx_timeout_count +3", html, StringComparison.Ordinal);
        Assert.Contains("timed out &amp; reset", html, StringComparison.Ordinal);
        Assert.Contains("<li>the link&#39;s transmit queue hung while &lt;packets&gt; waited</li>", html, StringComparison.Ordinal);
        Assert.Contains("ethtool-eth0.txt: &lt;sha256 mismatch&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_incidents_the_page_has_no_evidence_section()
    {
        var (report, _, _) = Sample("/x");
        string html = OutageHtml.Render(report, [], T0.AddDays(1));
        Assert.DoesNotContain("<details", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Evidence per outage", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/reports/incidents/a-site", "/srv/reports", "incidents/a-site")]
    [InlineData("/var/lib/uncloak/incidents/a-site", "/srv/reports", "file:///var/lib/uncloak/incidents/a-site")]
    [InlineData("/srv/reports-old/a", "/srv/reports", "file:///srv/reports-old/a")]
    [InlineData("/srv/a b#c?d\"e", null, "file:///srv/a%20b%23c%3Fd%22e")]
    [InlineData("javascript:alert(1)", null, "javascript%3Aalert%281%29")]
    [InlineData("/srv/reports", "/srv/reports", "file:///srv/reports")]
    public void Bundle_links_are_relative_under_the_report_folder_and_percent_encoded(string bundle, string? reportDirectory, string href)
        => Assert.Equal(href, BundleLink.Href(bundle, reportDirectory));
}
