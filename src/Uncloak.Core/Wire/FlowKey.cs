using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// A TCP connection's 4-tuple in a canonical order (the lower address:port first), so both directions find the same flow.
/// </summary>
internal readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly NetAddress A;
    public readonly NetAddress B;
    public readonly ushort PortA;
    public readonly ushort PortB;

    private FlowKey(NetAddress a, ushort portA, NetAddress b, ushort portB)
    {
        A = a;
        PortA = portA;
        B = b;
        PortB = portB;
    }

    /// <summary>The key of <paramref name="packet"/>'s connection; <paramref name="side"/> is 0 when the packet comes from A.</summary>
    public static FlowKey Of(in TcpPacket packet, out int side)
    {
        int c = packet.Source.CompareTo(packet.Destination);
        if (c < 0 || (c == 0 && packet.SourcePort <= packet.DestinationPort))
        {
            side = 0;
            return new FlowKey(packet.Source, packet.SourcePort, packet.Destination, packet.DestinationPort);
        }
        side = 1;
        return new FlowKey(packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort);
    }

    public NetAddress Address(int side) => side == 0 ? A : B;

    public ushort Port(int side) => side == 0 ? PortA : PortB;

    public bool Equals(FlowKey other) => A == other.A && B == other.B && PortA == other.PortA && PortB == other.PortB;

    public override bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(A.Low, A.High, B.Low, B.High, PortA | (PortB << 16));
}
