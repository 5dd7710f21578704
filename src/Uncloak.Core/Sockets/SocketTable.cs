namespace Uncloak.Core.Sockets;

/// <summary>A snapshot of the TCP socket table at one instant, with what the decoder could not read counted, not thrown.</summary>
public sealed class SocketTable
{
    public SocketTable(DateTime time, IReadOnlyList<SocketRecord> sockets, int malformed = 0)
    {
        Time = time;
        Sockets = sockets;
        Malformed = malformed;
    }

    /// <summary>When the dump was taken (UTC).</summary>
    public DateTime Time { get; }

    public IReadOnlyList<SocketRecord> Sockets { get; }

    /// <summary>Messages in the dump that were too short or inconsistent to decode.</summary>
    public int Malformed { get; }
}
