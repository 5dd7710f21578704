using System.Text;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Capture;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Wire;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// Writes an incident's bundle from its snapshots and localizes it: <see cref="Open"/> when the outage opens (before =
/// the last baseline, during = now), <see cref="Close"/> when it ends (adds after/ and the probes and kernel lines of the
/// whole outage). The bundle is bounded (<see cref="CaptureLimits.MaxBundleBytes"/>: the biggest files are left out and
/// named in <c>capture.txt</c>) and its verdict is the one <c>uncloak analyze</c> gives for the same folder.
/// </summary>
public sealed class IncidentRecorder
{
    /// <summary>The top-level file that says what was captured, what was left out and why.</summary>
    public const string NotesName = "capture.txt";

    private readonly string _directory;
    private readonly CaptureLimits _limits;

    /// <param name="directory">The incidents folder (made 0700 if missing); each bundle is a folder named by its id.</param>
    /// <param name="limits">The bundle size limit.</param>
    public IncidentRecorder(string directory, CaptureLimits limits)
    {
        _directory = directory;
        _limits = limits;
    }

    public string Directory => _directory;

    /// <summary>The bundle folder of <paramref name="id"/>.</summary>
    public string PathOf(string id) => System.IO.Path.Combine(_directory, id);

    /// <summary>
    /// Writes a new bundle for <paramref name="incident"/> and returns it with its path and verdict. With
    /// <paramref name="packets"/> (the packet ring) its last seconds become <c>packets.pcapng</c>.
    /// </summary>
    public (Incident Incident, Verdict Verdict) Open(Incident incident, PhaseSnapshot? before, PhaseSnapshot during, IReadOnlyList<VantageProbe> probes,
        IReadOnlyList<(DateTime Time, string Text)> kernel, PacketRecorder? packets = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(during);
        var phases = new List<PhaseSnapshot>(3);
        if (before is not null)
        {
            phases.Add(before.As(EvidencePhase.Before));
        }
        phases.Add(during.As(EvidencePhase.During));
        var files = phases.SelectMany(p => p.Files).ToList();
        if (packets is not null)
        {
            files.Add(new BundleFile(BundleLayout.PacketsName, packets.Snapshot(during.Time)));
        }
        return Write(incident, files, phases.SelectMany(p => p.Problems), probes, kernel);
    }

    /// <summary>
    /// Adds the after/ snapshot to the bundle <see cref="Open"/> wrote (its verified files are kept; a bundle gone or
    /// unreadable is started again from what is given), sets the end, and localizes again.
    /// </summary>
    /// <remarks>
    /// With <paramref name="packets"/>, the packets the ring took since the start's <c>packets.pcapng</c> are appended to
    /// it as a second pcapng section (readers take the file as one capture), so the file covers the seconds before the
    /// outage and its end.
    /// </remarks>
    public (Incident Incident, Verdict Verdict) Close(Incident incident, DateTime end, PhaseSnapshot after, IReadOnlyList<VantageProbe> probes,
        IReadOnlyList<(DateTime Time, string Text)> kernel, PacketRecorder? packets = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(after);
        var kept = new List<BundleFile>();
        var problems = new List<string>();
        string path = PathOf(incident.Id);
        if (BundleReader.IsBundle(path))
        {
            try
            {
                var old = BundleReader.Read(path);
                kept.AddRange(old.Files.Where(f => BundleLayout.PhaseOf(f.Name) is EvidencePhase.Before or EvidencePhase.During || f.Name == BundleLayout.PacketsName));
                problems.AddRange(old.Problems);
            }
            catch (BundleException e)
            {
                problems.Add("the bundle written at the start could not be read again: " + e.Message);
            }
        }
        else
        {
            problems.Add("the bundle written at the start is gone (pruned or removed); this one holds the end only");
        }
        var closing = after.As(EvidencePhase.After);
        if (packets is not null)
        {
            var earlier = kept.Find(f => f.Name == BundleLayout.PacketsName);
            byte[] later = packets.Snapshot(after.Time, earlier is null ? long.MinValue : LastPacketTime(earlier.Data));
            if (earlier is not null)
            {
                kept.Remove(earlier);
            }
            kept.Add(new BundleFile(BundleLayout.PacketsName, earlier is null ? later : [.. earlier.Data, .. later]));
        }
        return Write(incident with { End = end }, kept.Concat(closing.Files), problems.Concat(closing.Problems), probes, kernel);
    }

    private (Incident Incident, Verdict Verdict) Write(Incident incident, IEnumerable<BundleFile> phaseFiles, IEnumerable<string> problems,
        IReadOnlyList<VantageProbe> probes, IReadOnlyList<(DateTime Time, string Text)> kernel)
    {
        if (!Incident.IsSafeId(incident.Id))
        {
            throw new ArgumentException($"incident id '{incident.Id}' is not a safe folder name", nameof(incident));
        }
        var files = phaseFiles.ToList();
        var notes = new List<string>(problems);
        var probeText = new StringWriter();
        ProbesText.Write(probeText, probes);
        files.Add(new BundleFile(BundleLayout.ProbesName, Encoding.UTF8.GetBytes(probeText.ToString())));
        if (kernel.Count > 0)
        {
            var kernelText = new StringWriter();
            KernelLogText.Write(kernelText, Environment.MachineName, kernel);
            files.Add(new BundleFile(BundleLayout.KernelName, Encoding.UTF8.GetBytes(kernelText.ToString())));
        }
        // Bounded: the largest files go first (a huge socket table before the counters that localize most outages).
        long total = files.Sum(f => (long)f.Data.Length);
        foreach (var big in files.OrderByDescending(f => f.Data.Length).ToList())
        {
            if (total <= _limits.MaxBundleBytes)
            {
                break;
            }
            files.Remove(big);
            total -= big.Data.Length;
            notes.Add($"{big.Name}: left out ({big.Data.Length:N0} bytes; the bundle is limited to {_limits.MaxBundleBytes:N0})");
        }
        var note = new StringBuilder("# uncloak capture\n");
        note.Append("incident ").Append(incident.Id).Append('\n');
        foreach (var n in notes)
        {
            note.Append("problem ").Append(n.ReplaceLineEndings(" ")).Append('\n');
        }
        files.Add(new BundleFile(NotesName, Encoding.UTF8.GetBytes(note.ToString())));
        var manifest = new BundleManifest
        {
            Id = incident.Id,
            Host = Environment.MachineName,
            Kernel = KernelRelease(),
            Start = incident.Start,
            End = incident.End,
            Probe = incident.Probe,
        };
        System.IO.Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string path = PathOf(incident.Id);
        // A rewrite drops the old manifest first: a bundle cut short by a crash in between has none and is not believed.
        if (System.IO.Directory.Exists(path))
        {
            File.Delete(System.IO.Path.Combine(path, BundleLayout.ManifestName));
        }
        var written = BundleWriter.Write(path, manifest, files);
        var verdict = Localizer.Localize(BundleEvidence.Read(files, written.Start));
        return (incident.With(verdict) with { Bundle = path }, verdict);
    }

    /// <summary>Nanoseconds since 1970 of the last packet of a pcapng file; <see cref="long.MinValue"/> when it holds none.</summary>
    private static long LastPacketTime(byte[] pcapng)
    {
        long last = long.MinValue;
        if (CaptureReader.TryOpen(new MemoryStream(pcapng), out var reader, out _))
        {
            while (reader!.TryRead(out var packet))
            {
                // The reader keeps 100 ns ticks: the packet itself lies within the next 99 ns.
                last = Math.Max(last, ((packet.Ticks - DateTime.UnixEpoch.Ticks) * 100) + 99);
            }
        }
        return last;
    }

    private static string KernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ""; // no procfs: the manifest says nothing rather than something wrong
        }
    }
}
