namespace Uncloak.Core.Signals;

/// <summary>How a peer holds our data back (the <c>Form</c> of a <see cref="Events.EventKind.ZeroWindowHold"/> event).</summary>
public enum ZeroWindowForm : byte
{
    /// <summary>The peer advertised a zero window and we have only unsent data: the persist timer probes it. A slow or stuck reader.</summary>
    PeerNotReading = 0,

    /// <summary>The peer advertised a zero window while our data was in flight: it took back window it had offered ("treason").</summary>
    WindowShrunk = 1,
}
