namespace Uncloak.Core.Detection;

/// <summary>A field whose distinct values, rather than events, fill a bucket.</summary>
public enum DistinctField : byte
{
    None,
    LocalPort,
    Peer,
    PeerPort,

    /// <summary>
    /// One stall of one connection: peer port, local port and snd_una together (what <c>analyze</c> calls an episode). The
    /// kernel repeats its treason line while it probes the same stuck data; counting lines would ban a peer that stalled once.
    /// </summary>
    Episode,
}
