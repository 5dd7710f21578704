using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>
/// Many half-open (SYN-RECV) connections on one listener. <see cref="Spoofed"/> says whether the sources look forged
/// (spread over many prefixes, about one SYN each, none completing): then bans are pointless and SYN cookies are the answer.
/// As a <see cref="NetEvent"/>: Local:LocalPort the listener, Count = half-open, Length = distinct sources,
/// Queue = distinct prefixes, Form = 1 when spoofed, Peer = the busiest prefix's network address.
/// </summary>
public sealed record SynRecvFlood(
    NetAddress Local,
    ushort LocalPort,
    int HalfOpen,
    int Sources,
    int Prefixes,
    int CompletedSources,
    IReadOnlyList<PrefixCount> TopPrefixes,
    bool Spoofed)
{
    /// <summary>One sentence saying what to do.</summary>
    public string Verdict => Spoofed
        ? $"spoofed: {Sources} sources over {Prefixes} prefixes, {CompletedSources} completed a handshake; bans are pointless, keep net.ipv4.tcp_syncookies=1 and raise tcp_max_syn_backlog"
        : $"concentrated: {Sources} sources over {Prefixes} prefixes, {CompletedSources} completed a handshake; the top prefixes can be rate-limited or banned";

    public NetEvent ToEvent(DateTime time) => new()
    {
        Time = time,
        UptimeMicros = -1,
        Kind = EventKind.SynRecvFlood,
        Form = Spoofed ? (byte)1 : (byte)0,
        Local = Local,
        LocalPort = LocalPort,
        Peer = TopPrefixes.Count > 0 ? TopPrefixes[0].Prefix : NetAddress.None,
        Count = HalfOpen,
        Length = Sources,
        Queue = Prefixes,
    };
}
