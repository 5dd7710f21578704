using System.CommandLine;
using Uncloak.Cli.Commands.Incidents;
using Uncloak.Config;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Daemon.Control;
using Uncloak.Linux.Forensics;
using Uncloak.Store.Incidents;

namespace Uncloak.Cli.Commands.Capture;

/// <summary>`uncloak capture`: an incident bundle of this host now, localized, as the daemon writes at an outage.</summary>
public static class CaptureCommand
{
    public static Command Create()
    {
        var options = new IncidentsOptions();
        var seconds = new Option<int>("--seconds", "-s")
        {
            Description = "Seconds between the baseline and the capture, so counters, qdisc drops and NIC errors show what grew meanwhile (0: totals since boot only).",
            DefaultValueFactory = _ => 5,
            HelpName = "N",
        };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write the bundle folder under DIR instead of the incidents folder (then nothing is stored).", HelpName = "DIR" };
        var netns = new Option<string?>("--netns") { Description = "Capture the named network namespace (ip netns) instead of the host's.", HelpName = "NAME" };
        var command = new Command("capture",
            "Capture an incident bundle of this host now and say where a fault would be: a baseline (counters, qdiscs, links, NIC " +
            "statistics), N seconds, then the moment with the socket table (sock_diag with tcp_info), listener queues, counters, " +
            "sockstat, conntrack, softnet_stat, qdisc statistics (rtnetlink RTM_GETQDISC, written as tc -s qdisc text; tc only " +
            "when that fails), ip -s -s link, ip neigh, ip route and ethtool -S per interface; " +
            "during the N seconds the packet ring (forensics: packets: in uncloak.yaml; TCP headers on the service ports by " +
            "default) keeps the wire, written as packets.pcapng. " +
            "The capture runs niced, each tool with a time limit, the bundle within the config's max_bundle_bytes. Without --out " +
            "the bundle goes to the incidents folder and into 'uncloak incidents'. When a daemon answers on the control socket " +
            "(and neither --out nor --netns is given), the daemon captures instead, with its own baseline and its packet ring's " +
            "last seconds. Needs root.\n\n" +
            "Exit codes: 0 captured and nothing points at a layer, 1 captured and a layer is named, 2 bad option or config, " +
            "3 not root, or the store or folder cannot be written.\n\n" +
            "Examples:\n  uncloak capture --seconds 10\n  uncloak capture --out /tmp --json | jq .incidents[0].layer")
        {
            seconds, outDir, netns,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            int wait = result.GetValue(seconds);
            if (wait is < 0 or > 3600)
            {
                error.WriteLine("uncloak capture: --seconds must be from 0 to 3600");
                return ExitCodes.UsageOrInput;
            }
            if (result.GetValue(netns) is { } ns && (ns.Length == 0 || ns.Contains('/', StringComparison.Ordinal) || ns.StartsWith('.')))
            {
                error.WriteLine($"uncloak capture: --netns '{ns}' is not a namespace name");
                return ExitCodes.UsageOrInput;
            }
            if (!Environment.IsPrivilegedProcess)
            {
                error.WriteLine("uncloak capture: needs root (the socket table of every user, conntrack and NIC statistics)");
                return ExitCodes.Environment;
            }
            if (options.Open(result, error, "capture", out int failed) is not var (config, store))
            {
                return failed;
            }
            using (store)
            {
                string? to = result.GetValue(outDir);
                bool json = result.GetValue(options.Json);
                if (to is null && result.GetValue(netns) is null)
                {
                    try
                    {
                        if (AskDaemon(config, store, error) is { } captured)
                        {
                            return Show(captured, json, output, error);
                        }
                    }
                    catch (IOException e)
                    {
                        error.WriteLine($"uncloak capture: {e.Message}");
                        return ExitCodes.Environment;
                    }
                }
                string dir = to ?? config.Forensics.DirectoryFor(store.Path);
                var limits = new CaptureLimits { MaxBundleBytes = config.Forensics.MaxBundleBytes };
                var capture = new IncidentCapture(limits, TimeProvider.System, result.GetValue(netns));
                var start = DateTime.UtcNow;
                var incident = new Incident { Id = Incident.NewId(start, ""), Start = start };
                PacketRecorder? packets = null;
                try
                {
                    PhaseSnapshot? before = null;
                    if (wait > 0)
                    {
                        packets = StartPackets(config, result.GetValue(netns), error);
                        before = capture.Snapshot(EvidencePhase.Before, sockets: false);
                        Thread.Sleep(TimeSpan.FromSeconds(wait)); // the interval the deltas cover, not a wait for a condition
                    }
                    var during = capture.Snapshot(EvidencePhase.During, sockets: true);
                    foreach (var problem in (before?.Problems ?? []).Concat(during.Problems))
                    {
                        error.WriteLine($"uncloak capture: not captured: {problem}");
                    }
                    (incident, _) = new IncidentRecorder(dir, limits).Open(incident, before, during, [], [], packets);
                    // Show reads the bundle just written again (ss.txt and its parse, ~60 MB for 100,000 sockets): the
                    // copies the recorder held are garbage now and are handed back first, so they are not held twice.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"uncloak capture: {e.Message}");
                    return ExitCodes.Environment;
                }
                finally
                {
                    packets?.Dispose();
                }
                if (to is null)
                {
                    new IncidentStore(store).Save(incident);
                    var removed = IncidentRetention.Prune(dir, config.Forensics.Keep, config.Forensics.MaxBytes, spare: incident.Id);
                    new IncidentStore(store).Delete(removed);
                }
                return Show(incident, json, output, error);
            }
        });
        return command;
    }

    /// <summary>Prints the incident with its bundle read again (as <c>incidents show</c>); exit 0 when no layer is named, 1 when one is.</summary>
    private static int Show(Incident incident, bool json, TextWriter output, TextWriter error)
    {
        ForensicSource source;
        try
        {
            var bundle = BundleReader.Read(incident.Bundle);
            source = ForensicSource.OfBundle(incident.Bundle, bundle.Manifest, bundle.Files, bundle.Problems);
        }
        catch (BundleException e)
        {
            error.WriteLine($"uncloak capture: the bundle just written cannot be read: {e.Message}");
            return ExitCodes.Environment;
        }
        if (json)
        {
            Rendering.JsonOutput.Write(output, w => IncidentJson.WriteShow(w, incident, source.Verdict, source.Problems, source));
        }
        else
        {
            Rendering.VerdictRenderer.Render(output, [source]);
        }
        return source.Verdict.Layer == Layer.Unknown ? ExitCodes.Ok : ExitCodes.Findings;
    }

    /// <summary>
    /// A running daemon (its control socket answers) captures with what it keeps: its baseline and its packet ring's last
    /// seconds. Returns the incident once the daemon stored it; null when no daemon answers or it writes no bundles (then
    /// this process captures). Throws <see cref="IOException"/> when the daemon took the request but stored nothing in a minute.
    /// </summary>
    private static Incident? AskDaemon(WatchConfig config, Store.SqliteStore store, TextWriter error)
    {
        if (config.Control is not { } path || !File.Exists(path))
        {
            return null;
        }
        string id;
        try
        {
            var reply = ControlClient.AskAsync(path, "capture", TimeSpan.FromSeconds(10), CancellationToken.None).GetAwaiter().GetResult();
            using var doc = System.Text.Json.JsonDocument.Parse(reply);
            if (doc.RootElement.TryGetProperty("error", out var why))
            {
                error.WriteLine($"uncloak capture: the daemon on {path}: {why.GetString()}; capturing here instead");
                return null;
            }
            id = doc.RootElement.GetProperty("id").GetString() ?? "";
        }
        catch (ControlUnavailableException e)
        {
            error.WriteLine($"uncloak capture: {e.Message}; capturing here instead");
            return null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            error.WriteLine($"uncloak capture: the reply on {path} is not a capture answer ({e.Message}); capturing here instead");
            return null;
        }
        error.WriteLine($"uncloak capture: the running daemon captures {id} (its baseline and packet ring; --seconds does not apply)");
        var incidents = new IncidentStore(store);
        for (int i = 0; i < 300; i++)
        {
            if (incidents.Get(id) is { } incident)
            {
                return incident;
            }
            Thread.Sleep(200); // the daemon's capture runs niced on its own thread; its incident row is the sign it is done
        }
        throw new IOException($"the daemon took the capture {id} but stored no incident within 60 s (see its log, event 8002)");
    }

    /// <summary>
    /// The packet ring for the N seconds of the capture, as the config's <c>forensics: packets:</c> says (service ports:
    /// those its probes check); null when it is off or cannot open, which is said on stderr and costs the bundle only its
    /// packets.pcapng.
    /// </summary>
    private static PacketRecorder? StartPackets(WatchConfig config, string? netns, TextWriter error)
    {
        if (config.Forensics.Packets is not { } p)
        {
            return null;
        }
        var ports = p.PortsFor(PacketsConfig.ServicePorts(config.Probes));
        if (ports is { Count: 0 })
        {
            error.WriteLine("uncloak capture: no packets: 'forensics: packets: ports: service' and no probe names a port (set ports: all or a list)");
            return null;
        }
        try
        {
            return PacketRecorder.Start(p.ToLimits(), p.Interface, ports, netns);
        }
        catch (IOException e)
        {
            error.WriteLine($"uncloak capture: not captured: packets: {e.Message}");
            return null;
        }
    }
}
