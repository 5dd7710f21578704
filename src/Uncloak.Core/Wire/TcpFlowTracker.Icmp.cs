using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// ICMP floods: messages counted per source and per destination in the count window, in the same bounded tables as the
/// storms. Echo replies and neighbour discovery are answers and housekeeping (the host's own replies to a ping flood
/// would otherwise make it a flooder too); echo requests, timestamp requests, errors and anything else are counted.
/// A source is what the packet claims, forgeable: the event is evidence to show, never to ban (<c>IsSpoofable</c>).
/// </summary>
public sealed partial class TcpFlowTracker
{
    /// <summary>Feeds one ICMP or ICMPv6 message (<see cref="DecodeResult.Icmp"/>).</summary>
    public void AddIcmp(in TcpPacket packet, long ticks, long offset)
    {
        Advance(ticks, offset);
        Statistics.IcmpMessages++;
        if (!Counted(packet.Protocol, packet.IcmpType))
        {
            return;
        }
        if (!_icmpBySource.Add(packet.Source, packet.Destination, packet.IcmpType, _now, 1, 0)
            | !_icmpByDestination.Add(packet.Destination, packet.Source, packet.IcmpType, _now, 1, 0))
        {
            Statistics.CountOverflow++;
        }
    }

    /// <summary>Echo replies (0, 129) and ICMPv6 MLD and neighbour discovery (130–137, 143) are not counted.</summary>
    private static bool Counted(byte protocol, byte type) => protocol == PacketDecoder.ProtocolIcmp
        ? type != 0
        : type is not (129 or (>= 130 and <= 137) or 143);

    private void EmitIcmpFloods(int windowMillis)
    {
        int threshold = _options.IcmpFloodPackets;
        for (int i = 0; i < _icmpBySource.Count; i++)
        {
            ref var e = ref _icmpBySource[i];
            if (e.Count >= threshold)
            {
                Emit(new NetEvent
                {
                    Kind = EventKind.IcmpFlood,
                    Peer = e.Peer,
                    Local = e.Other,
                    Protocol = e.Peer.IsV6 ? PacketDecoder.ProtocolIcmpV6 : PacketDecoder.ProtocolIcmp,
                    Count = e.Count,
                    Queue = e.OtherPort,
                    Millis = windowMillis,
                }, string.Create(CultureInfo.InvariantCulture,
                    $"wire: ICMP flood: {e.Peer} sent {e.Count} ICMP{(e.Peer.IsV6 ? "v6" : "")} messages (last type {e.OtherPort}) in {windowMillis / 1000.0:0.#} s, last to {e.Other}; the source is as claimed (forgeable): rate-limit ICMP, never ban on it"));
            }
        }
        for (int i = 0; i < _icmpByDestination.Count; i++)
        {
            ref var e = ref _icmpByDestination[i];
            if (e.Count < threshold || FloodedByOne(e.Peer, threshold))
            {
                continue; // below the threshold, or already told as one source's flood
            }
            Emit(new NetEvent
            {
                Kind = EventKind.IcmpFlood,
                Form = 1,
                Local = e.Peer,
                Protocol = e.Peer.IsV6 ? PacketDecoder.ProtocolIcmpV6 : PacketDecoder.ProtocolIcmp,
                Count = e.Count,
                Queue = e.OtherPort,
                Millis = windowMillis,
            }, string.Create(CultureInfo.InvariantCulture,
                $"wire: ICMP flood on {e.Peer}: {e.Count} ICMP{(e.Peer.IsV6 ? "v6" : "")} messages in {windowMillis / 1000.0:0.#} s from many sources, none of them {threshold} alone (spread or spoofed): rate-limit ICMP"));
        }
        _icmpBySource.Clear();
        _icmpByDestination.Clear();
    }

    private bool FloodedByOne(NetAddress destination, int threshold)
    {
        for (int i = 0; i < _icmpBySource.Count; i++)
        {
            ref var e = ref _icmpBySource[i];
            if (e.Other == destination && e.Count >= threshold)
            {
                return true;
            }
        }
        return false;
    }
}
