using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Linux.Forensics;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>
/// The recorder writes what the daemon captured into a bundle and localizes it: fed the recorded bundles' own snapshots,
/// probes and kernel lines (as the engine holds them in memory), it must name the same layers analyze names for the
/// recorded folder, write a bundle analyze reads again, and add the end without losing the start.
/// </summary>
public sealed partial class IncidentRecorderTests : IDisposable
{
    private static readonly string Cases = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "bundles");
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-incidents-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var d in Directory.EnumerateDirectories(Cases).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(d));
        }
        return data;
    }

    /// <summary>A recorded case's phase folder as the capture would have taken it (shared with the incidents command tests).</summary>
    internal static PhaseSnapshot? Phase(string folder, EvidencePhase phase)
    {
        string path = Path.Combine(folder, BundleLayout.Folder(phase));
        if (!Directory.Exists(path))
        {
            return null;
        }
        var files = Directory.EnumerateFiles(path).Order(StringComparer.Ordinal)
            .Select(f => new BundleFile(BundleLayout.Folder(phase) + "/" + Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        return new PhaseSnapshot(phase, DateTime.UnixEpoch, files, []);
    }

    [GeneratedRegex(@"^(\w{3} +\d+ \d\d:\d\d:\d\d) \S+ kernel: (?:\[\s*[\d.]+\] )?(.*)$")]
    private static partial Regex SyslogLine();

    /// <summary>The daemon's own kernel.log lines (the lab's recorded bundles): RFC 3339 time, host, "kernel:", message.</summary>
    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)) \S+ kernel: (.*)$")]
    private static partial Regex Rfc3339Line();

    /// <summary>The kernel lines of a recorded kernel.log as the engine keeps them: time and message.</summary>
    private static List<(DateTime, string)> KernelLines(string folder, DateTime start)
    {
        string path = Path.Combine(folder, BundleLayout.KernelName);
        var lines = new List<(DateTime, string)>();
        if (!File.Exists(path))
        {
            return lines;
        }
        foreach (var line in File.ReadAllLines(path))
        {
            if (Rfc3339Line().Match(line) is { Success: true } r)
            {
                lines.Add((DateTime.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), r.Groups[2].Value));
                continue;
            }
            var m = SyslogLine().Match(line);
            Assert.True(m.Success, line);
            var time = DateTime.ParseExact(start.Year + " " + Regex.Replace(m.Groups[1].Value, " +", " "), "yyyy MMM d HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            lines.Add((time, m.Groups[2].Value));
        }
        return lines;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_bundle_recorded_from_the_captured_parts_gets_the_recorded_verdict_and_reads_back_the_same(string name)
    {
        string folder = Path.Combine(Cases, name);
        var recorded = BundleReader.Read(folder);
        var expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected.json"))).RootElement;
        var probes = DumpReader.Read(File.ReadAllBytes(Path.Combine(folder, BundleLayout.ProbesName))).Probes;
        var start = recorded.Manifest.Start;
        var incident = new Incident { Id = Incident.NewId(start, "site"), OutageId = 7, Probe = "site", Start = start };

        var recorder = new IncidentRecorder(_dir, new CaptureLimits());
        var (written, verdict) = recorder.Open(incident, Phase(folder, EvidencePhase.Before), Phase(folder, EvidencePhase.During)!, probes, KernelLines(folder, start));

        Assert.Equal(expect.GetProperty("layer").GetString(), verdict.Layer.Name());
        Assert.Equal(expect.GetProperty("layers").EnumerateArray().Select(l => l.GetString()).ToArray(), verdict.Layers.Select(l => l.Layer.Name()).ToArray());
        Assert.Equal(verdict.Layer, written.Layer);
        Assert.Equal(verdict.Summary, written.Summary);
        Assert.Equal(recorder.PathOf(incident.Id), written.Bundle);

        // Read again like analyze on another machine: every file verifies and the verdict is the same.
        var bundle = BundleReader.Read(written.Bundle);
        Assert.Empty(bundle.Problems);
        Assert.Equal(incident.Id, bundle.Manifest.Id);
        Assert.Null(bundle.Manifest.End);
        var again = Localizer.Localize(BundleEvidence.Read(bundle.Files, bundle.Manifest.Start));
        Assert.Equal(verdict.Layer, again.Layer);
        Assert.Equal(verdict.Confidence, again.Confidence, 6);
    }

    [Fact]
    public void Closing_adds_the_after_snapshot_and_the_end_and_keeps_what_the_start_wrote()
    {
        string folder = Path.Combine(Cases, "shaper-tbf-drops");
        var start = BundleReader.Read(folder).Manifest.Start;
        var incident = new Incident { Id = Incident.NewId(start, "site"), Probe = "site", Start = start };
        var recorder = new IncidentRecorder(_dir, new CaptureLimits());
        var during = Phase(folder, EvidencePhase.During)!;
        recorder.Open(incident, Phase(folder, EvidencePhase.Before), during, [], []);

        var end = start.AddMinutes(3);
        var (closed, verdict) = recorder.Close(incident, end, during.As(EvidencePhase.After), [], []);

        Assert.Equal(end, closed.End);
        Assert.Equal(Layer.Shaper, verdict.Layer);
        var bundle = BundleReader.Read(closed.Bundle);
        Assert.Empty(bundle.Problems);
        Assert.Equal(end, bundle.Manifest.End);
        var names = bundle.Files.Select(f => f.Name).ToHashSet();
        Assert.Contains("before/tc.txt", names);
        Assert.Contains("during/tc.txt", names);
        Assert.Contains("after/tc.txt", names);
        Assert.Contains(IncidentRecorder.NotesName, names);
    }

    [Fact]
    public void Bundles_are_private_and_the_biggest_files_go_first_when_the_bundle_is_over_its_limit()
    {
        var incident = new Incident { Id = "20261203T170001Z-site", Probe = "site", Start = new DateTime(2026, 12, 3, 17, 0, 1, DateTimeKind.Utc) };
        var during = new PhaseSnapshot(EvidencePhase.During, incident.Start,
        [
            new BundleFile("during/ss.txt", new byte[3 << 20]),
            new BundleFile("during/nstat.txt", Encoding.ASCII.GetBytes("#kernel\nTcpExtListenOverflows 5 0.0\n")),
        ], []);
        var recorder = new IncidentRecorder(_dir, new CaptureLimits { MaxBundleBytes = 1 << 20 });
        var (written, _) = recorder.Open(incident, null, during, [], []);

        var bundle = BundleReader.Read(written.Bundle);
        Assert.DoesNotContain(bundle.Files, f => f.Name == "during/ss.txt");
        Assert.Contains(bundle.Files, f => f.Name == "during/nstat.txt");
        var notes = Encoding.UTF8.GetString(bundle.Files.Single(f => f.Name == IncidentRecorder.NotesName).Data);
        Assert.Contains("during/ss.txt: left out", notes, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(written.Bundle));
        foreach (var file in Directory.EnumerateFiles(written.Bundle, "*", SearchOption.AllDirectories))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void Retention_removes_the_oldest_bundles_beyond_the_count_and_the_bytes_and_nothing_else()
    {
        var recorder = new IncidentRecorder(_dir, new CaptureLimits());
        var start = new DateTime(2026, 12, 3, 17, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 5; i++)
        {
            var snapshot = new PhaseSnapshot(EvidencePhase.During, start, [new BundleFile("during/ss.txt", new byte[100_000])], []);
            recorder.Open(new Incident { Id = Incident.NewId(start.AddMinutes(i), "site"), Start = start.AddMinutes(i) }, null, snapshot, [], []);
        }
        Directory.CreateDirectory(Path.Combine(_dir, "not-a-bundle"));

        var removed = IncidentRetention.Prune(_dir, keep: 3, maxBytes: long.MaxValue);
        Assert.Equal(["20261203T170000Z-site", "20261203T170100Z-site"], removed);
        Assert.True(Directory.Exists(Path.Combine(_dir, "not-a-bundle")));

        // Two bundles of ~100 KB fit in 250,000 bytes; the oldest of the three goes, unless it is the one being written.
        removed = IncidentRetention.Prune(_dir, keep: 50, maxBytes: 250_000, spare: "20261203T170200Z-site");
        Assert.Equal(["20261203T170300Z-site"], removed);
        Assert.Equal(2, Directory.EnumerateDirectories(_dir).Count(d => Path.GetFileName(d).EndsWith("-site", StringComparison.Ordinal)));
    }
}
