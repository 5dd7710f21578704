using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One stall of a connection: lines with the same peer, ports and snd_una are the kernel probing the same
/// stuck data again, not separate incidents. A connection (peer, peer port, local port) can stall many times, once
/// per snd_una. <see cref="Direction"/> is judged by <see cref="ServicePorts"/>. A value (a log can hold a million of them); times are
/// <see cref="DateTime.MaxValue"/>/<see cref="DateTime.MinValue"/> when no line carried one.
/// </summary>
public readonly record struct TreasonEpisode(
    NetAddress Peer,
    ushort PeerPort,
    ushort LocalPort,
    uint SndUna,
    uint MaxBytesInFlight,
    long Lines,
    DateTime First,
    DateTime Last,
    int LongestStallMs,
    ConnectionDirection Direction)
{
    public TimeSpan Span => Last >= First ? Last - First : TimeSpan.Zero;
}
