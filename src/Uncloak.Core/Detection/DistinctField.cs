namespace Uncloak.Core.Detection;

/// <summary>A field whose distinct values, rather than events, fill a bucket.</summary>
public enum DistinctField : byte
{
    None,
    LocalPort,
    Peer,
    PeerPort,
}
