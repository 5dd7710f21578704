using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Linux.Forensics;
using Uncloak.Store;
using Uncloak.Store.Incidents;
using Uncloak.Store.Watch;
using Uncloak.Tests;
using Xunit;

namespace Uncloak.Core.Tests.Cli.Commands.Report;

/// <summary>
/// Issue 12, item 5: `uncloak report` shows each probe outage's layer and links its bundle, in text, JSON and HTML (with a
/// collapsed evidence section per outage). The store holds two outages recorded as the daemon records them: one with the
/// bundle of the shaper sample case, one whose probe name is hostile markup and which has no incident.
/// </summary>
public sealed class ReportIncidentsTests : IDisposable
{
    private const string HostileProbe = "<img src=x onerror=alert(1)>";
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles");
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-report-incidents-").FullName;
    private readonly string _db;
    private readonly string _bundle;
    private readonly string _id;

    public ReportIncidentsTests()
    {
        _db = Path.Combine(_dir, "u.db");
        string folder = Path.Combine(Cases, "shaper-tbf-drops");
        var start = BundleReader.Read(folder).Manifest.Start;
        using var store = SqliteStore.Open(_db);
        var watch = new WatchStore(store);
        long outage = watch.StartOutage("site", start, "timeout", "connect 198.18.0.2:80: no answer in 2 s");
        watch.EndOutage(outage, start.AddMinutes(2));
        long other = watch.StartOutage(HostileProbe, start.AddHours(1), "refused", "");
        watch.EndOutage(other, start.AddHours(1).AddMinutes(1));
        var probes = DumpReader.Read(File.ReadAllBytes(Path.Combine(folder, BundleLayout.ProbesName))).Probes;
        var incident = new Incident { Id = Incident.NewId(start, "site"), OutageId = outage, Probe = "site", Start = start };
        var recorded = new IncidentRecorder(Path.Combine(_dir, "incidents"), new CaptureLimits()).Open(incident,
            global::Uncloak.Core.Tests.Forensics.IncidentRecorderTests.Phase(folder, EvidencePhase.Before), global::Uncloak.Core.Tests.Forensics.IncidentRecorderTests.Phase(folder, EvidencePhase.During)!, probes, []).Incident;
        new IncidentStore(store).Save(recorded);
        _bundle = recorded.Bundle;
        _id = recorded.Id;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Json_gives_each_captured_outage_its_incident_with_layer_ranks_bundle_and_evidence()
    {
        var run = CliRun.Run("report", "--db", _db, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = run.Json;
        Assert.Equal("uncloak.report/1", json.GetProperty("schema").GetString());
        var outages = json.GetProperty("outages").EnumerateArray().ToList();
        Assert.Equal(2, outages.Count);
        var site = Assert.Single(outages, o => o.GetProperty("probe").GetString() == "site");
        var incident = site.GetProperty("incident");
        Assert.Equal(_id, incident.GetProperty("id").GetString());
        Assert.Equal("shaper", incident.GetProperty("layer").GetString());
        Assert.InRange(incident.GetProperty("confidence").GetDouble(), 0.3, 1.0);
        Assert.Equal("shaper", incident.GetProperty("layers")[0].GetProperty("layer").GetString());
        Assert.NotEmpty(incident.GetProperty("summary").GetString()!);
        Assert.Equal(_bundle, incident.GetProperty("bundle").GetString());
        Assert.Contains(incident.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("kind").GetString() == "qdisc" && e.GetProperty("text").GetString()!.Length > 0);
        Assert.NotEmpty(incident.GetProperty("reasoning").EnumerateArray());
        Assert.Empty(incident.GetProperty("problems").EnumerateArray());
        // The outage keeps its earlier keys; one without a bundle has a null incident.
        Assert.Equal("timeout", site.GetProperty("cause").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, site.GetProperty("end").ValueKind);
        var hostile = Assert.Single(outages, o => o.GetProperty("probe").GetString() == HostileProbe);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, hostile.GetProperty("incident").ValueKind);
    }

    [Fact]
    public void Text_names_the_layer_with_its_confidence_and_the_bundle_path()
    {
        var run = CliRun.Run("report", "--db", _db);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("layer:  shaper (", run.Output, StringComparison.Ordinal);
        Assert.Contains("; ranked shaper ", run.Output, StringComparison.Ordinal);
        Assert.Contains($"bundle: {_bundle}  (uncloak incidents show {_id})", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_links_the_bundle_relatively_under_the_report_folder_and_shows_its_evidence_collapsed()
    {
        string page = Path.Combine(_dir, "report.html");
        var run = CliRun.Run("report", "--db", _db, "--html", page);
        Assert.True(run.ExitCode == 0, run.Error);
        string html = File.ReadAllText(page);
        Assert.Contains($"<a href=\"incidents/{_id}\">", html, StringComparison.Ordinal);
        Assert.Contains("<details class=\"incident\"><summary>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<details open", html, StringComparison.Ordinal);
        Assert.Contains("<td>qdisc</td>", html, StringComparison.Ordinal);
        Assert.Contains("Reasoning:", html, StringComparison.Ordinal);
        Assert.Contains("<b>shaper (", html, StringComparison.Ordinal);
        Assert.DoesNotContain(HostileProbe, html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        // One evidence section, for the one outage with a bundle.
        Assert.Equal(1, html.Split("<details class=\"incident\">").Length - 1);

        // Written elsewhere, the same bundle is a file:// link.
        string away = Path.Combine(_dir, "elsewhere");
        Directory.CreateDirectory(away);
        Assert.Equal(0, CliRun.Run("report", "--db", _db, "--html", Path.Combine(away, "r.html")).ExitCode);
        Assert.Contains($"<a href=\"file://{_bundle}\">", File.ReadAllText(Path.Combine(away, "r.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pruned_bundle_keeps_the_stored_verdict_and_says_why_the_evidence_is_missing()
    {
        Directory.Delete(_bundle, recursive: true);
        var run = CliRun.Run("report", "--db", _db, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var incident = run.Json.GetProperty("outages").EnumerateArray().Single(o => o.GetProperty("probe").GetString() == "site").GetProperty("incident");
        Assert.Equal("shaper", incident.GetProperty("layer").GetString());
        Assert.Empty(incident.GetProperty("evidence").EnumerateArray());
        Assert.NotEmpty(incident.GetProperty("problems").EnumerateArray());
    }
}
