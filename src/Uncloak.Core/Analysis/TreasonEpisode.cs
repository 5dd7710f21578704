using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One stalled connection: lines with the same peer, ports and snd_una are the kernel probing the same
/// stuck data again, not separate incidents.
/// </summary>
public sealed class TreasonEpisode(NetAddress peer, ushort peerPort, ushort localPort, uint sndUna)
{
    public NetAddress Peer { get; } = peer;

    public ushort PeerPort { get; } = peerPort;

    public ushort LocalPort { get; } = localPort;

    public uint SndUna { get; } = sndUna;

    public uint MaxBytesInFlight { get; internal set; }

    public long Lines { get; internal set; }

    public DateTime First { get; internal set; } = DateTime.MaxValue;

    public DateTime Last { get; internal set; } = DateTime.MinValue;

    /// <summary>The longest "lasting" the ≥6.6 form reported, in ms (0 for older forms).</summary>
    public int LongestStallMs { get; internal set; }

    public ConnectionDirection Direction => EventDescription.DirectionOf(LocalPort, PeerPort);

    public TimeSpan Span => Last >= First ? Last - First : TimeSpan.Zero;

    internal void Add(long lines, uint bytesInFlight, int stallMs, DateTime time)
    {
        Lines += lines;
        MaxBytesInFlight = Math.Max(MaxBytesInFlight, bytesInFlight);
        LongestStallMs = Math.Max(LongestStallMs, stallMs);
        if (time != default)
        {
            if (time < First)
            {
                First = time;
            }
            if (time > Last)
            {
                Last = time;
            }
        }
    }

    internal void Merge(TreasonEpisode other)
    {
        Add(other.Lines, other.MaxBytesInFlight, other.LongestStallMs, default);
        if (other.First < First)
        {
            First = other.First;
        }
        if (other.Last > Last)
        {
            Last = other.Last;
        }
    }
}
