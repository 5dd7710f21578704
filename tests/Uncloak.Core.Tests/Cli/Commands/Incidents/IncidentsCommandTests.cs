using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Linux.Forensics;
using Uncloak.Store;
using Uncloak.Store.Incidents;
using Uncloak.Tests;
using Xunit;

namespace Uncloak.Core.Tests.Cli.Commands.Incidents;

/// <summary>
/// `uncloak incidents list|show|export|prune` over a store and an incidents folder holding bundles recorded from the
/// sample cases (as the daemon records them): the JSON shape of issue 12, the evidence of show, an export that analyze
/// reads to the same verdict, and retention.
/// </summary>
public sealed class IncidentsCommandTests : IDisposable
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles");
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-incidents-cli-").FullName;
    private readonly string _config;
    private readonly string _incidents;

    public IncidentsCommandTests()
    {
        string db = Path.Combine(_dir, "u.db");
        _incidents = Path.Combine(_dir, "incidents");
        _config = Path.Combine(_dir, "uncloak.yaml");
        File.WriteAllText(_config, $"store: {db}\nforensics: {{ dir: {_incidents}, keep: 10 }}\n");
        using var store = SqliteStore.Open(db);
        var incidents = new IncidentStore(store);
        int minute = 0;
        foreach (var name in (string[])["shaper-tbf-drops", "lan-gateway-failed"])
        {
            incidents.Save(Record(name, minute++));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Records a sample case's snapshots into the incidents folder as the daemon would.</summary>
    private Incident Record(string name, int minute)
    {
        string folder = Path.Combine(Cases, name);
        var start = BundleReader.Read(folder).Manifest.Start.AddMinutes(minute);
        var probes = DumpReader.Read(File.ReadAllBytes(Path.Combine(folder, BundleLayout.ProbesName))).Probes;
        var incident = new Incident { Id = Incident.NewId(start, "site"), OutageId = minute + 1, Probe = "site", Start = start };
        return new IncidentRecorder(_incidents, new CaptureLimits()).Open(incident, Forensics.IncidentRecorderTests.Phase(folder, EvidencePhase.Before), Forensics.IncidentRecorderTests.Phase(folder, EvidencePhase.During)!, probes, []).Incident;
    }

    private CliRun.Result Run(params string[] args) => CliRun.Run([.. args, "--config", _config]);

    [Fact]
    public void List_json_has_the_issue_shape_oldest_first()
    {
        var (exit, output, error) = Run("incidents", "list", "--json");
        Assert.True(exit == 0, error);
        var json = CliRun.Json(output);
        Assert.Equal("uncloak.incidents/1", json.GetProperty("schema").GetString());
        var list = json.GetProperty("incidents").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        var first = list[0];
        Assert.Equal("shaper", first.GetProperty("layer").GetString());
        Assert.Equal("lan", list[1].GetProperty("layer").GetString());
        Assert.EndsWith("-site", first.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, first.GetProperty("end").ValueKind);
        Assert.Equal("site", first.GetProperty("probe").GetString());
        Assert.InRange(first.GetProperty("confidence").GetDouble(), 0.3, 1.0);
        Assert.Equal("shaper", first.GetProperty("layers")[0].GetProperty("layer").GetString());
        Assert.NotEmpty(first.GetProperty("summary").GetString()!);
        Assert.StartsWith(_incidents + "/", first.GetProperty("bundle").GetString(), StringComparison.Ordinal);
        Assert.True(DateTime.TryParse(first.GetProperty("start").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _));
        Assert.False(first.TryGetProperty("evidence", out _));

        var text = Run("incidents", "list");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("shaper (", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_adds_the_bundles_evidence_and_reasoning_and_refuses_an_unknown_id()
    {
        string id = CliRun.Json(Run("incidents", "list", "--json").Output).GetProperty("incidents")[0].GetProperty("id").GetString()!;
        var (exit, output, error) = Run("incidents", "show", id, "--json");
        Assert.True(exit == 0, error);
        var incident = CliRun.Json(output).GetProperty("incidents")[0];
        Assert.Equal(id, incident.GetProperty("id").GetString());
        Assert.Contains(incident.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("kind").GetString() == "qdisc" && e.GetProperty("text").GetString()!.Length > 0);
        Assert.NotEmpty(incident.GetProperty("reasoning").EnumerateArray());

        var text = Run("incidents", "show", id);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Verdict: shaper", text.Output, StringComparison.Ordinal);

        var missing = Run("incidents", "show", "20990101T000000Z-none");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no incident", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exported_archive_is_analysed_to_the_same_verdict_as_the_bundle_folder()
    {
        var first = CliRun.Json(Run("incidents", "list", "--json").Output).GetProperty("incidents")[0];
        string id = first.GetProperty("id").GetString()!;
        string archive = Path.Combine(_dir, "outage.tar.zst");
        var export = Run("incidents", "export", id, "--out", archive);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive));

        var fromArchive = CliRun.Run("analyze", archive, "--json");
        var fromFolder = CliRun.Run("analyze", first.GetProperty("bundle").GetString()!, "--json");
        Assert.True(fromArchive.ExitCode == 0, fromArchive.Error);
        var a = fromArchive.Json.GetProperty("verdicts")[0];
        var f = fromFolder.Json.GetProperty("verdicts")[0];
        Assert.Equal("shaper", a.GetProperty("layer").GetString());
        Assert.Equal(f.GetProperty("confidence").GetDouble(), a.GetProperty("confidence").GetDouble());
        Assert.Equal(id, a.GetProperty("id").GetString());
        Assert.Empty(a.GetProperty("problems").EnumerateArray());

        Assert.Equal(2, Run("incidents", "export", id, "--out", Path.Combine(_dir, "outage.zip")).ExitCode);
    }

    [Fact]
    public void Prune_removes_the_oldest_bundles_with_their_rows_and_rows_whose_bundle_is_gone()
    {
        var (exit, output, error) = Run("incidents", "prune", "--keep", "1", "--json");
        Assert.True(exit == 0, error);
        var json = CliRun.Json(output);
        Assert.Single(json.GetProperty("removed").EnumerateArray());
        Assert.Equal(1, json.GetProperty("rows").GetInt32());
        var left = CliRun.Json(Run("incidents", "list", "--json").Output).GetProperty("incidents");
        Assert.Equal("lan", Assert.Single(left.EnumerateArray()).GetProperty("layer").GetString());

        Directory.Delete(left[0].GetProperty("bundle").GetString()!, recursive: true);
        var orphans = CliRun.Json(Run("incidents", "prune", "--json").Output);
        Assert.Single(orphans.GetProperty("orphans").EnumerateArray());
        Assert.Empty(CliRun.Json(Run("incidents", "list", "--json").Output).GetProperty("incidents").EnumerateArray());
    }

    [Fact]
    public void Capture_needs_root_and_sane_options()
    {
        Assert.Equal(2, Run("capture", "--seconds", "-1").ExitCode);
        Assert.Equal(2, Run("capture", "--netns", "../x").ExitCode);
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Equal(3, Run("capture", "--seconds", "0").ExitCode);
        }
    }
}
