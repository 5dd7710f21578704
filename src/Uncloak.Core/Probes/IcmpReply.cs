namespace Uncloak.Core.Probes;

/// <summary>What a packet read on an ICMP socket means for our echo request (see <see cref="IcmpEcho.Read"/>).</summary>
public enum IcmpReply : byte
{
    /// <summary>Not about our request: another process's ping, an unrelated error. Keep waiting.</summary>
    Other,

    /// <summary>Our echo reply: the target answered.</summary>
    EchoReply,

    /// <summary>A router or the target said it cannot deliver our request (no route, no ARP answer, filtered).</summary>
    Unreachable,

    /// <summary>Our request looped or went too far (TTL ran out on the way).</summary>
    TimeExceeded,
}
