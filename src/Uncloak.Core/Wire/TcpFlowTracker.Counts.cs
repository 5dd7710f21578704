using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>Per-window counts: SYN floods, reset and retransmission storms, odd packets.</summary>
public sealed partial class TcpFlowTracker
{
    private const TcpFlags SynFin = TcpFlags.Syn | TcpFlags.Fin;
    private const TcpFlags SynRst = TcpFlags.Syn | TcpFlags.Rst;
    private const TcpFlags NeedAck = TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg;

    private void CheckOdd(in TcpPacket packet)
    {
        var flags = packet.Flags & ~(TcpFlags.Ece | TcpFlags.Cwr);
        OddPacketForm? form = null;
        if (flags == TcpFlags.None || (flags & SynFin) == SynFin || (flags & SynRst) == SynRst
            || ((flags & NeedAck) != 0 && (flags & TcpFlags.Ack) == 0))
        {
            form = OddPacketForm.BadFlags;
        }
        else if (Bogons.IsBogonSource(packet.Source))
        {
            form = OddPacketForm.BogonSource;
        }
        else if (packet.Source == packet.Destination && packet.SourcePort == packet.DestinationPort)
        {
            form = OddPacketForm.Land;
        }
        else if (packet.SourcePort == 0 || packet.DestinationPort == 0)
        {
            form = OddPacketForm.PortZero;
        }
        if (form is { } f && !_odd.Add(f, packet.Source, packet.DestinationPort, packet.Flags, _now))
        {
            Statistics.CountOverflow++;
        }
    }

    /// <summary>
    /// What the evidence says about a flood's sources. One address that sent every SYN is named. Otherwise the range is
    /// that of the sources whose handshakes never completed (the half-open flows still in the table, the addresses seen
    /// completing left out), and it is named only when it is narrow (an IPv4 /16, an IPv6 /48 or longer) and holds no
    /// address that completed a handshake: a flood spoofed from a wide range must not name the legitimate clients in it.
    /// </summary>
    private (NetAddress Network, int Length, bool Named) FloodSources(ref SynEntry e, ReadOnlySpan<NetAddress> completers)
    {
        var (all, allLength) = e.CommonPrefix();
        if (allLength == (e.IsV6 ? 128 : 32))
        {
            return (all, allLength, true);
        }
        ulong andHigh = ulong.MaxValue, andLow = ulong.MaxValue, orHigh = 0, orLow = 0;
        bool anyV6 = false;
        int halfOpen = 0;
        for (int f = 0; f < _flows.Length; f++)
        {
            ref var flow = ref _flows[f];
            if (!flow.InUse || flow.ServerSide < 0 || flow.Completed
                || flow.Key.Address(flow.ServerSide) != e.Destination || flow.Key.Port(flow.ServerSide) != e.Port)
            {
                continue;
            }
            var client = flow.Key.Address(1 - flow.ServerSide);
            if (completers.Contains(client))
            {
                continue; // an address that completed a handshake is real, whatever else it sent
            }
            andHigh &= client.High;
            andLow &= client.Low;
            orHigh |= client.High;
            orLow |= client.Low;
            anyV6 |= client.IsV6;
            halfOpen++;
        }
        if (halfOpen == 0)
        {
            return (NetAddress.None, 0, false);
        }
        var (network, length) = SynEntry.PrefixOf(andHigh, andLow, orHigh, orLow, anyV6);
        bool narrow = length >= (anyV6 ? 48 : 16);
        bool excludesCompleters = e.Completers <= SynFloodTable.MaxCompleters;
        foreach (var c in completers)
        {
            excludesCompleters &= c.IsV6 != network.IsV6 || c.Prefix(length) != network;
        }
        return (network, length, narrow && excludesCompleters);
    }

    private void EmitCounts()
    {
        int windowMillis = (int)(_windowTicks / TimeSpan.TicksPerMillisecond);
        for (int i = 0; i < _syns.Count; i++)
        {
            ref var e = ref _syns[i];
            if (e.Syns < _options.SynFloodSyns)
            {
                continue;
            }
            var (sources, prefixes) = _syns.Distinct(i);
            var (network, length, named) = FloodSources(ref e, _syns.Completers(i));
            int ttlSpread = e.TtlMax - e.TtlMin;
            int halfOpen = Math.Max(0, e.Syns - e.Completed);
            // Spoofing hints: about one SYN per source, many prefixes or many TTLs (forged packets start with random
            // TTLs, a real host's all arrive with one), and almost no handshake completed.
            bool spoofed = e.Completed * 10 < e.Syns && sources * 2 >= e.Syns && (prefixes >= 16 || ttlSpread >= 16);
            Emit(new NetEvent
            {
                Kind = EventKind.SynRecvFlood,
                Form = spoofed ? (byte)1 : (byte)0,
                Local = e.Destination,
                LocalPort = e.Port,
                Peer = named ? network : NetAddress.None,
                PeerPrefixLength = named ? (byte)length : (byte)0,
                Count = halfOpen,
                Length = sources,
                Queue = prefixes,
                Millis = windowMillis,
                Millis2 = ttlSpread,
            }, string.Create(CultureInfo.InvariantCulture,
                $"wire: SYN flood on {e.Destination}:{e.Port}: {e.Syns} SYNs in {windowMillis / 1000.0:0.#} s, {e.Completed} handshakes completed from {e.Completers} address(es), ~{sources} sources in ~{prefixes} prefixes ({(named ? $"the SYNs left half-open came from within {network}/{length}" : length > 0 ? $"the half-open sources span {network}/{length}, too wide or holding addresses that completed handshakes: no source named" : "no source range: the half-open sources share no prefix")}), TTL {e.TtlMin}-{e.TtlMax}: {(spoofed ? "spoofed, bans are pointless: SYN cookies" : "concentrated: the sources are real")}"));
        }
        for (int i = 0; i < _resets.Count; i++)
        {
            ref var e = ref _resets[i];
            if (e.Count >= _options.RstStormResets)
            {
                Emit(new NetEvent
                {
                    Kind = EventKind.RstStorm,
                    Peer = e.Peer,
                    Local = e.Other,
                    LocalPort = e.OtherPort,
                    Count = e.Count,
                    Millis = windowMillis,
                }, string.Create(CultureInfo.InvariantCulture, $"wire: RST storm: {e.Peer} sent {e.Count} resets in {windowMillis / 1000.0:0.#} s (last to {e.Other}:{e.OtherPort})"));
            }
        }
        for (int i = 0; i < _retransmits.Count; i++)
        {
            ref var e = ref _retransmits[i];
            if (e.Count >= _options.RetransmitStormSegments)
            {
                Emit(new NetEvent
                {
                    Kind = EventKind.RetransmitStorm,
                    Peer = e.Peer,
                    Local = e.Other,
                    LocalPort = e.OtherPort,
                    Count = e.Count,
                    Length = (int)Math.Min(e.Secondary, int.MaxValue),
                    Millis = windowMillis,
                }, string.Create(CultureInfo.InvariantCulture, $"wire: retransmission storm towards {e.Peer}: {e.Count} of {e.Secondary} data segments retransmitted in {windowMillis / 1000.0:0.#} s (last from {e.Other}:{e.OtherPort})"));
            }
        }
        for (int i = 0; i < _odd.Count; i++)
        {
            ref var e = ref _odd[i];
            Emit(new NetEvent
            {
                Kind = EventKind.OddPacket,
                Form = (byte)e.Form,
                Peer = e.Source,
                LocalPort = e.Port,
                TcpFlags = e.Flags,
                Protocol = e.Source.IsNone ? (byte)0 : (byte)6,
                Count = e.Count,
                Millis = windowMillis,
            }, string.Create(CultureInfo.InvariantCulture,
                $"wire: {e.Count} odd packet(s), {OddPacketForms.Name(e.Form)}{(e.Source.IsNone ? "" : $" from {e.Source}")}{(e.Flags != TcpFlags.None ? $" [{EventFields.FlagsName(e.Flags)}]" : "")}"));
        }
        EmitIcmpFloods(windowMillis);
        _syns.Clear();
        _resets.Clear();
        _retransmits.Clear();
        _odd.Clear();
    }
}
