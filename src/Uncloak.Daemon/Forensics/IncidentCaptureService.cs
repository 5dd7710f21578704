using System.Threading.Channels;
using Uncloak.Config;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Linux.Forensics;
using Uncloak.Linux.Sockets;

namespace Uncloak.Daemon.Forensics;

/// <summary>
/// Captures incident bundles for the engine, off its thread: requests queue on a small channel and one worker takes
/// them one at a time (a second outage while a capture runs waits its turn; beyond <see cref="QueueCapacity"/> waiting
/// the request is dropped and counted, never blocking the engine). Between outages it refreshes a baseline (counters,
/// qdiscs, links, NIC statistics; no socket table) that becomes the next bundle's <c>before/</c>. Results go back to
/// the engine through the callback, which writes the store on its own thread. With <c>forensics: packets:</c> it keeps the
/// packet ring (<see cref="PacketRecorder"/>) whose last seconds each bundle gets as <c>packets.pcapng</c>.
/// </summary>
public sealed class IncidentCaptureService : IAsyncDisposable
{
    /// <summary>Requests waiting at most: an outage's start and end for two probes.</summary>
    public const int QueueCapacity = 4;

    private readonly Channel<CaptureRequest> _requests = Channel.CreateBounded<CaptureRequest>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ForensicsConfig _config;
    private readonly string _directory;
    private readonly IncidentCapture _capture;
    private readonly IncidentRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlyList<int> _servicePorts;
    private readonly string? _netns;
    private PacketRecorder? _packets;
    private Func<CaptureOutcome, ValueTask> _done = _ => ValueTask.CompletedTask;
    private Action<string> _baselineFailed = _ => { };
    private Task? _worker;
    private Task? _baselineLoop;
    private PhaseSnapshot? _baseline;

    /// <param name="config">Their limits and the baseline interval.</param>
    /// <param name="directory">Where bundles go (<see cref="ForensicsConfig.DirectoryFor"/>).</param>
    /// <param name="time">The daemon's clock.</param>
    /// <param name="netns">A named network namespace to capture instead of the daemon's own (the lab's server).</param>
    /// <param name="servicePorts">The ports the probes check: what the packet ring keeps with <c>ports: service</c>.</param>
    public IncidentCaptureService(ForensicsConfig config, string directory, TimeProvider time, string? netns = null, IReadOnlyList<int>? servicePorts = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _directory = directory;
        _time = time;
        var limits = new CaptureLimits { MaxBundleBytes = config.MaxBundleBytes };
        _capture = new IncidentCapture(limits, time, netns);
        _recorder = new IncidentRecorder(directory, limits);
        _servicePorts = servicePorts ?? [];
        _netns = netns;
    }

    /// <summary>The packet ring, once <see cref="StartPackets"/> opened it.</summary>
    public PacketRecorder? Packets => _packets;

    /// <summary>
    /// Opens the packet ring the config asks for (<c>forensics: packets:</c>) and returns what it keeps, for the log; null
    /// when it is off, or keeps the service ports and no probe names one. Throws <see cref="IOException"/> when the ring
    /// cannot be opened (no CAP_NET_RAW, no such interface): the bundles are then written without packets.
    /// </summary>
    public string? StartPackets()
    {
        if (_config.Packets is not { } p || _packets is not null)
        {
            return null;
        }
        var ports = p.PortsFor(_servicePorts);
        if (ports is { Count: 0 })
        {
            return null;
        }
        _packets = PacketRecorder.Start(p.ToLimits(), p.Interface, ports, _netns);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{p.Interface}, {(ports is null ? "all TCP" : "TCP ports " + string.Join(',', ports))}, the last {p.Window.TotalSeconds:0} s, at most {p.MaxBytes:N0} bytes and {p.MaxPackets:N0} packets of {p.SnapLength} bytes");
    }

    /// <summary>Where bundles are written.</summary>
    public string Directory => _directory;

    /// <summary>Starts the worker and the baseline loop; <paramref name="done"/> hears every outcome (on the worker's thread, which waits for it).</summary>
    public void Start(Func<CaptureOutcome, ValueTask> done, Action<string> baselineFailed)
    {
        _done = done;
        _baselineFailed = baselineFailed;
        _worker = Task.Run(WorkAsync);
        if (_config.Baseline > TimeSpan.Zero)
        {
            _baselineLoop = Task.Run(BaselineLoopAsync);
        }
    }

    /// <summary>Queues a capture without waiting; false when <see cref="QueueCapacity"/> requests wait already (or the service stopped).</summary>
    public bool Request(CaptureRequest request) => _requests.Writer.TryWrite(request);

    private async Task WorkAsync()
    {
        await foreach (var request in _requests.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _done(Capture(request)).ConfigureAwait(false);
        }
    }

    /// <summary>One capture; any failure of the host or the disk is an outcome with an error, never an exception.</summary>
    private CaptureOutcome Capture(CaptureRequest request)
    {
        var incident = request.Incident;
        try
        {
            var phase = request.Closing ? EvidencePhase.After : EvidencePhase.During;
            var now = _capture.Snapshot(phase, sockets: true);
            var (written, _) = request.Closing
                ? _recorder.Close(incident, incident.End ?? now.Time, now, request.Probes, request.Kernel, _packets)
                : _recorder.Open(incident, Volatile.Read(ref _baseline), now, request.Probes, request.Kernel, _packets);
            var pruned = IncidentRetention.Prune(_directory, _config.Keep, _config.MaxBytes, spare: incident.Id);
            return new CaptureOutcome(request, written, null, now.Problems, pruned);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SockDiagException or BundleException or ArgumentException
            or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return new CaptureOutcome(request, null, e.Message, [], []);
        }
    }

    private async Task BaselineLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var baseline = _capture.Snapshot(EvidencePhase.Before, sockets: false);
                Volatile.Write(ref _baseline, baseline);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _baselineFailed(e.Message);
            }
            try
            {
                await Task.Delay(_config.Baseline, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops taking requests, finishes the ones queued (an outage's end bundle is worth the wait), and stops the baseline.</summary>
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_worker is not null)
        {
            await _worker.ConfigureAwait(false);
        }
        if (_baselineLoop is not null)
        {
            await _baselineLoop.ConfigureAwait(false);
        }
        _packets?.Dispose();
        _stop.Dispose();
    }
}
