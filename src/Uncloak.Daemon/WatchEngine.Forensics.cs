using System.Threading.Channels;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Probes;
using Uncloak.Daemon.Forensics;
using Uncloak.Daemon.Logging;
using Uncloak.Store.Incidents;

namespace Uncloak.Daemon;

/// <summary>
/// The engine's forensic side: it keeps the last kernel lines and probe results in memory, asks the capture service for
/// a bundle when an outage opens and again when it ends (never waiting for it), and stores each finished incident.
/// </summary>
public sealed partial class WatchEngine
{
    /// <summary>Kernel lines kept for a bundle's kernel.log (within the correlation window).</summary>
    public const int KernelLinesKept = 2000;

    /// <summary>Probe results kept for a bundle's probes.txt (every probe and vantage point together).</summary>
    public const int ProbeResultsKept = 600;

    private sealed record IncidentDoneItem(CaptureOutcome Outcome) : Item;

    private sealed record VantageItem(VantageProbe Probe) : Item;

    private sealed record CaptureNowItem(TaskCompletionSource<byte[]> Reply) : Item;

    /// <summary>
    /// <c>uncloak capture</c> through the control socket: queues a bundle of this moment (before = the last baseline,
    /// the packet ring's last seconds) like an outage's start, and answers at once with its id and folder
    /// (<c>{"schema": "uncloak.control.capture/1", "id", "bundle"}</c>); the incident is stored when the capture is done.
    /// An error document when captures are off or the queue is full.
    /// </summary>
    public async Task<byte[]> CaptureNowAsync(CancellationToken cancel)
    {
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _channel.Writer.WriteAsync(new CaptureNowItem(reply), cancel).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return Control.ControlServer.Error("the daemon is stopping");
        }
        return await reply.Task.WaitAsync(cancel).ConfigureAwait(false);
    }

    private void CaptureNow(CaptureNowItem item)
    {
        if (Capture is null)
        {
            item.Reply.TrySetResult(Control.ControlServer.Error("this daemon writes no bundles (forensics: capture: off, or no probes)"));
            return;
        }
        var now = _time.GetUtcNow().UtcDateTime;
        var incident = new Incident { Id = Incident.NewId(now, ""), Probe = "", Start = now };
        if (!Capture.Request(new CaptureRequest(incident, false, [.. _probeHistory], [.. _kernelLines])))
        {
            item.Reply.TrySetResult(Control.ControlServer.Error($"{IncidentCaptureService.QueueCapacity} captures are waiting already; try again in a moment"));
            return;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.control.capture/1");
            w.WriteString("id", incident.Id);
            w.WriteString("bundle", System.IO.Path.Combine(Capture.Directory, incident.Id));
            w.WriteEndObject();
        }
        item.Reply.TrySetResult(buffer.WrittenSpan.ToArray());
    }

    private readonly Queue<(DateTime Time, string Text)> _kernelLines = new();
    private readonly Queue<VantageProbe> _probeHistory = new();
    private readonly Dictionary<string, Incident> _openIncidents = new(StringComparer.Ordinal);
    private IncidentStore? _incidentStore;

    /// <summary>Captures incident bundles when outages open and end; none (no bundles) when null.</summary>
    public IncidentCaptureService? Capture { get; init; }

    /// <summary>
    /// A vantage probe's result (gateway, upstream, self, remote) for the bundles: kept with the service probes' own
    /// results and written to each bundle's probes.txt. Safe from any thread; dropped when the engine's queue is full.
    /// </summary>
    public void ObserveVantage(VantageProbe probe) => _channel.Writer.TryWrite(new VantageItem(probe));

    private void StartCapture()
    {
        if (Capture is null)
        {
            return;
        }
        _incidentStore = new IncidentStore(_store.Store);
        Capture.Start(async outcome =>
        {
            try
            {
                await _channel.Writer.WriteAsync(new IncidentDoneItem(outcome)).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // Stopping: the bundle is on disk; 'uncloak incidents' still finds it by its folder.
                _log.IncidentCaptureFailed(outcome.Request.Incident.Id, Phase(outcome.Request), "the daemon stopped before the incident was stored");
            }
        }, error => _log.BaselineFailed(error));
        try
        {
            if (Capture.StartPackets() is { } keeps)
            {
                _log.PacketRingStarted(keeps);
            }
        }
        catch (IOException e)
        {
            _log.PacketRingUnavailable(e.Message);
        }
    }

    private void RememberLine(DateTime time, string text)
    {
        _kernelLines.Enqueue((time, text));
        while (_kernelLines.Count > KernelLinesKept || (_kernelLines.Count > 0 && time - _kernelLines.Peek().Time > _config.CorrelationWindow))
        {
            _kernelLines.Dequeue();
        }
    }

    private void RememberProbe(VantageProbe probe)
    {
        _probeHistory.Enqueue(probe);
        while (_probeHistory.Count > ProbeResultsKept)
        {
            _probeHistory.Dequeue();
        }
    }

    private void RememberServiceProbe(string probe, ProbeResult result)
    {
        string failure = result.Ok ? "" : result.Cause.Length > 0 ? result.Cause : "failed";
        RememberProbe(new VantageProbe(result.Time, Vantage.Service, probe, result.Ok, failure, result.Latency));
    }

    /// <summary>An outage opened: ask for its bundle (before = the last baseline, during = now).</summary>
    private void OutageOpened(string probe, long outageId, DateTime start)
    {
        if (Capture is null)
        {
            return;
        }
        var incident = new Incident { Id = Incident.NewId(start, probe), OutageId = outageId, Probe = probe, Start = start };
        _openIncidents[probe] = incident;
        Ask(new CaptureRequest(incident, false, [.. _probeHistory], [.. _kernelLines]));
    }

    /// <summary>The outage ended: ask for the after/ snapshot in the same bundle.</summary>
    private void OutageClosed(string probe, DateTime end)
    {
        if (Capture is null || !_openIncidents.Remove(probe, out var incident))
        {
            return;
        }
        var since = incident.Start - _config.CorrelationWindow;
        Ask(new CaptureRequest(incident with { End = end }, true, [.. _probeHistory.Where(p => p.Time >= since)], [.. _kernelLines.Where(l => l.Time >= since)]));
    }

    private void Ask(CaptureRequest request)
    {
        if (!Capture!.Request(request))
        {
            _metrics.IncidentCaptureDropped();
            _log.IncidentCaptureDropped(request.Incident.Id, Phase(request));
        }
    }

    private void Captured(CaptureOutcome outcome)
    {
        var request = outcome.Request;
        if (outcome.Incident is not { } incident)
        {
            _metrics.IncidentCaptureFailed();
            _log.IncidentCaptureFailed(request.Incident.Id, Phase(request), outcome.Error ?? "unknown");
            return;
        }
        _incidentStore!.Save(incident);
        if (outcome.Pruned.Count > 0)
        {
            _incidentStore.Delete(outcome.Pruned);
            _log.IncidentsPruned(outcome.Pruned.Count);
        }
        foreach (var problem in outcome.Problems)
        {
            _log.IncidentCaptureProblem(incident.Id, problem);
        }
        _metrics.IncidentCaptured();
        _log.IncidentCaptured(incident.Id, incident.Probe, Phase(request), incident.Layer.Name(), incident.Confidence, incident.Bundle);
    }

    private static string Phase(CaptureRequest request) => request.Closing ? "end" : "start";
}
