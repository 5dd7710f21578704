namespace Uncloak.Core.Events;

/// <summary>Which kernel era's text reported the shrunk-window condition.</summary>
public enum TreasonForm : byte
{
    /// <summary>2.2–2.6.2x: <c>TCP: Treason uncloaked! Peer A:p/l shrinks window X:Y. Repaired.</c></summary>
    TreasonUncloaked = 0,

    /// <summary>2.4 TCP_DEBUG: <c>TCP: peer A:p/l shrinks window X:W:Y. Bad, what else can I say?</c></summary>
    ShrinksWindowDebug = 1,

    /// <summary>2.6.2x–6.5: <c>[TCP: ]Peer A:p/l unexpectedly shrunk window X:Y (repaired)</c></summary>
    UnexpectedlyShrunk = 2,

    /// <summary>≥6.6: <c>Probing zero-window on A:p/l, seq=X:Y, recv Nms ago, lasting Nms</c></summary>
    ProbingZeroWindow = 3,
}
