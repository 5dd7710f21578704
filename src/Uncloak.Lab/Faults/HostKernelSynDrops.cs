using Uncloak.Lab.Attacks;
using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Faults;

/// <summary>
/// A host-kernel fault: SYN cookies off in the server's namespace and a spoofed SYN flood from 198.18.128.0/17, so the
/// listener's SYN queue is full and the kernel drops new SYNs, the legitimate client's included (TCPReqQFullDrop).
/// SYN-ACK retries are cut to one for the fault's time, so the half-open entries expire within seconds of the end instead
/// of a minute; both sysctls are put back by <see cref="Undo"/> (they exist only in the lab's namespace).
/// </summary>
public sealed class HostKernelSynDrops : IFault
{
    /// <summary>The flood's rate: the 128-entry SYN queue is full within a fraction of a second and kept full.</summary>
    public const int Rate = 400;

    private readonly Lock _lock = new();
    private CancellationTokenSource? _stop;
    private Task? _flood;
    private string? _cookies, _retries;

    public FaultKind Kind => FaultKind.HostKernel;

    public void Apply(LabNames names, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_lock)
        {
            _cookies = Read(names, "net.ipv4.tcp_syncookies");
            _retries = Read(names, "net.ipv4.tcp_synack_retries");
            ExternalCommand.Sysctl(names.Server, "net.ipv4.tcp_syncookies", "0");
            ExternalCommand.Sysctl(names.Server, "net.ipv4.tcp_synack_retries", "1");
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var token = _stop.Token;
            // Bounded by itself too: the flood stops at FaultRun's longest hold even if Undo were never called.
            var limits = new AttackLimits { Duration = FaultRun.MaxDuration, Rate = Rate, MaxPackets = (long)(Rate * FaultRun.MaxDuration.TotalSeconds) };
            _flood = Task.Factory.StartNew(() => new SynFlood().Run(names, limits, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }

    public void Undo(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_lock)
        {
            _stop?.Cancel();
            try
            {
                // The flood checks its token between packets; a few seconds is ample.
                _flood?.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationCanceledException))
            {
                // Stopped by the cancellation above: the expected end.
            }
            _stop?.Dispose();
            _stop = null;
            _flood = null;
            if (_cookies is not null)
            {
                ExternalCommand.Sysctl(names.Server, "net.ipv4.tcp_syncookies", _cookies);
            }
            if (_retries is not null)
            {
                ExternalCommand.Sysctl(names.Server, "net.ipv4.tcp_synack_retries", _retries);
            }
        }
    }

    private static string Read(LabNames names, string key) => ExternalCommand.InNamespace(names.Server, "sysctl", ["-n", key]).Trim();
}
