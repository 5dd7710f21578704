namespace Uncloak.Core.Wire;

/// <summary>One tracked connection: both halves and what was already reported. A struct in the tracker's slot array.</summary>
internal struct TcpFlow
{
    public FlowKey Key;
    public long FirstTicks;
    public long LastTicks;
    public long LastOffset;
    public FlowHalf A;
    public FlowHalf B;

    /// <summary>Side that answered the SYN (the server), -1 when the capture did not see the handshake.</summary>
    public sbyte ServerSide;

    /// <summary>The SYN-ACK was seen and the client's ACK not yet: still half-open.</summary>
    public bool HalfOpen;

    /// <summary>The client's ACK completed the handshake: its source is a real, answering address.</summary>
    public bool Completed;

    public bool Closed;
    public bool ShrinkReported;

    /// <summary>
    /// A shrink over data in flight waits here for its verdict (<c>SettleShrink</c>): the side that shrank, when, what
    /// it retracted, and the end of the data it retracted the window over.
    /// </summary>
    public bool ShrinkPending;
    public sbyte ShrinkSide;
    public sbyte ShrinkScale;
    public ushort ShrinkWindow;
    public long ShrinkTicks;
    public long ShrinkOffset;
    public uint ShrinkOldEdge;
    public uint ShrinkEdge;
    public uint ShrinkAck;
    public uint ShrinkDataEnd;
    public bool SlowReadReported;
    public bool InUse;
}

/// <summary>One direction's view: what this side sent (sequence space) and what it advertised (acknowledgement, window).</summary>
internal struct FlowHalf
{
    /// <summary>The window scale this side offered on its SYN; -1 none, -2 SYN not seen.</summary>
    public sbyte OfferedScale;
    public bool SeqKnown;
    public bool AckKnown;
    public uint NextSeq;
    public uint Ack;
    public uint RightEdge;
    public long DataBytes;

    /// <summary>When this side's window closed (0 while open), and what it has seen since.</summary>
    public long ZeroSince;
    public uint ZeroQueued;
    public int Probes;
    public int ProbeAnswers;
    public bool ProbePending;
    public bool ZeroReported;

    /// <summary>When this side's window became tiny (0 while not), the ack then, and whether it opened since.</summary>
    public long TinySince;
    public uint TinyAck;
    public bool TinyOpened;
}
