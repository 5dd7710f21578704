namespace Uncloak.Core.Analysis;

/// <summary>How an attacker hurt the server, in the words a report uses (see <see cref="AttackMechanisms"/>).</summary>
public enum AttackMechanism : byte
{
    /// <summary>The peer advertised a zero window and kept it there while this host had data for it.</summary>
    ZeroWindowHold,

    /// <summary>The peer moved its window's right edge backwards over data already sent (the kernel's "treason").</summary>
    WindowShrink,

    /// <summary>The peer kept its window tiny, reading a trickle: every connection occupies a worker for hours.</summary>
    SlowReader,

    /// <summary>Half-open handshakes from forged sources: only a range of addresses, never one attacker.</summary>
    SpoofedSynFlood,

    /// <summary>Half-open handshakes from real, concentrated sources.</summary>
    SynFlood,

    /// <summary>ICMP messages from one source above the flood threshold.</summary>
    IcmpFlood,

    /// <summary>ICMP messages to one target from many sources, none above the threshold alone.</summary>
    SpreadIcmpFlood,
}
