using System.Runtime.InteropServices;

namespace Uncloak.Daemon;

/// <summary>
/// SIGTERM and SIGINT as a stop request (<see cref="Token"/>), taken before the store opens and kept until the process
/// exits. A stop signal can come more than once — coreutils <c>timeout</c> sends SIGTERM to its child and then to its
/// process group, so a supervisor's one stop arrives twice — and one that came after the daemon had let go of its signals
/// got the runtime's default action: the process killed while closing its store, exit 143 (seen in the lab under CI;
/// RepeatedStopSignalTests). Once taken, every later stop signal finds the stop already asked for.
/// </summary>
public sealed class StopSignals : IDisposable
{
    // Never given back: a registration disposed before the process ends opens the window this class closes.
    private static readonly List<PosixSignalRegistration> Held = [];

    private readonly CancellationTokenSource _stop;

    public StopSignals(CancellationToken cancel)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        lock (Held)
        {
            Held.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop));
            Held.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop));
        }
    }

    /// <summary>Cancelled by a stop signal or by the token given.</summary>
    public CancellationToken Token => _stop.Token;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run is over and the process on its way out: nothing left to stop.
        }
    }

    /// <summary>Ends the stop request; the signals stay taken (see the class summary).</summary>
    public void Dispose() => _stop.Dispose();
}
