using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;

namespace Uncloak.Core.Wire;

/// <summary>
/// Follows TCP connections through a stream of decoded segments and emits <see cref="NetEvent"/>s for what hurts a
/// server: zero windows held (<see cref="EventKind.ZeroWindowHold"/> form 0), window right edges moving backward (form 1,
/// the "treason" condition, naming the side that did it), slow readers (<see cref="EventKind.SlowRead"/>), SYN floods
/// with spoofing hints (<see cref="EventKind.SynRecvFlood"/>), reset and retransmission storms, odd packets, and ICMP
/// floods (<see cref="EventKind.IcmpFlood"/>, from the messages <see cref="AddIcmp"/> is given).
/// Memory is bounded: at most <see cref="WireOptions.MaxFlows"/> flows (the stalest evicted, counted) and
/// <see cref="WireOptions.MaxCountKeys"/> keys per count table. Time is the packets' own (replay and live alike); call
/// <see cref="Flush"/> at the end of a capture to report what is still going on. Not thread-safe: one per input.
/// </summary>
public sealed partial class TcpFlowTracker
{
    private const int EvictionSample = 32;
    private const int InitialFlows = 1024;

    private readonly WireOptions _options;
    private readonly IEventSink _sink;
    private readonly Dictionary<FlowKey, int> _index;
    private TcpFlow[] _flows;
    private int[] _free;
    private readonly SynFloodTable _syns;
    private readonly PeerCountTable _resets;
    private readonly PeerCountTable _retransmits;
    private readonly OddPacketTable _odd;
    private readonly PeerCountTable _icmpBySource;
    private readonly PeerCountTable _icmpByDestination;
    private readonly long _idleTicks;
    private readonly long _windowTicks;
    private byte[] _message = new byte[512];
    private int _freeCount;
    private int _hand;
    private long _now;
    private long _offset;
    private long _windowEnd;

    public TcpFlowTracker(WireOptions options, IEventSink sink, int sourceId = 0, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _sink = sink;
        SourceId = sourceId;
        Host = host;
        int initial = Math.Min(options.MaxFlows, InitialFlows);
        _index = new Dictionary<FlowKey, int>(initial);
        _flows = new TcpFlow[initial];
        _free = new int[initial];
        AddFreeSlots(0, initial);
        _syns = new SynFloodTable(options.MaxCountKeys);
        _resets = new PeerCountTable(options.MaxCountKeys);
        _retransmits = new PeerCountTable(options.MaxCountKeys);
        _odd = new OddPacketTable(options.MaxCountKeys);
        _icmpBySource = new PeerCountTable(options.MaxCountKeys);
        _icmpByDestination = new PeerCountTable(options.MaxCountKeys);
        _idleTicks = options.FlowIdle.Ticks;
        _windowTicks = options.CountWindow.Ticks;
    }

    public int SourceId { get; }

    /// <summary>The host name events carry (the capturing host), or null.</summary>
    public string? Host { get; }

    public WireStatistics Statistics { get; } = new();

    /// <summary>
    /// Feeds one segment captured at <paramref name="ticks"/> (UTC; 0 = unknown, the last known time is used), found at
    /// <paramref name="offset"/> in its source (the position events carry).
    /// </summary>
    public void Add(in TcpPacket packet, long ticks, long offset)
    {
        Advance(ticks, offset);
        Statistics.Segments++;
        CheckOdd(packet);
        var key = FlowKey.Of(packet, out int side);
        ref var flow = ref Find(key, packet);
        flow.LastTicks = _now;
        flow.LastOffset = offset;
        ref var sender = ref side == 0 ? ref flow.A : ref flow.B;
        ref var receiver = ref side == 0 ? ref flow.B : ref flow.A;
        var flags = packet.Flags;
        if ((flags & TcpFlags.Syn) != 0)
        {
            OnSyn(ref flow, side, packet);
        }
        else if (flow.HalfOpen && (flags & (TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Ack && flow.ServerSide == 1 - side)
        {
            flow.HalfOpen = false;
            flow.Completed = true;
            _syns.Complete(packet.Destination, packet.DestinationPort, packet.Source);
        }
        if ((flags & TcpFlags.Rst) != 0)
        {
            OnReset(ref flow, side, packet);
            SettleShrink(ref flow, final: false);
            return;
        }
        TrackSequence(ref flow, ref sender, ref receiver, side, packet);
        if ((flags & TcpFlags.Ack) != 0 && (flags & TcpFlags.Syn) == 0)
        {
            TrackWindow(ref flow, ref sender, ref receiver, side, packet);
        }
        if ((flags & TcpFlags.Fin) != 0)
        {
            // A side that closes has stopped holding anything: its hold, if any, ends here.
            EndZero(ref flow, ref sender, side);
        }
        SettleShrink(ref flow, final: false);
    }

    /// <summary>A frame that never reached TCP but is worth reporting (unknown ethertype, malformed headers).</summary>
    public void AddOdd(OddPacketForm form, long ticks, long offset)
    {
        Advance(ticks, offset);
        if (!_odd.Add(form, NetAddress.None, 0, TcpFlags.None, _now))
        {
            Statistics.CountOverflow++;
        }
    }

    /// <summary>Lets time pass without a packet (a live capture on a quiet link): count windows roll over, holds still going on are reported.</summary>
    public void Tick(long ticks) => Advance(ticks, _offset);

    /// <summary>Reports everything still open (holds, slow readers, counts of the current window): the end of a capture.</summary>
    public void Flush()
    {
        for (int i = 0; i < _flows.Length; i++)
        {
            if (_flows[i].InUse)
            {
                FinishFlow(ref _flows[i]);
            }
        }
        EmitCounts();
    }

    private void Advance(long ticks, long offset)
    {
        if (ticks > _now)
        {
            _now = ticks;
        }
        _offset = offset;
        if (_windowEnd == 0)
        {
            _windowEnd = _now + _windowTicks;
        }
        else if (_now >= _windowEnd)
        {
            EmitCounts();
            Sweep();
            _windowEnd = _now + _windowTicks;
        }
    }

    private ref TcpFlow Find(in FlowKey key, in TcpPacket packet)
    {
        if (_index.TryGetValue(key, out int slot))
        {
            return ref _flows[slot];
        }
        if (_freeCount == 0)
        {
            if (_flows.Length < _options.MaxFlows)
            {
                Grow();
            }
            else
            {
                Evict();
            }
        }
        slot = _free[--_freeCount];
        _index[key] = slot;
        ref var flow = ref _flows[slot];
        flow = default;
        flow.Key = key;
        flow.InUse = true;
        flow.FirstTicks = _now;
        flow.ServerSide = -1;
        flow.A.OfferedScale = -2;
        flow.B.OfferedScale = -2;
        Statistics.Flows++;
        Statistics.ActiveFlows = _index.Count;
        if (!packet.IsSyn)
        {
            Statistics.UnknownScaleFlows++;
        }
        return ref flow;
    }

    /// <summary>The table starts small and doubles up to the cap, so a small capture costs little memory.</summary>
    private void Grow()
    {
        int old = _flows.Length;
        int size = (int)Math.Min((long)old * 2, _options.MaxFlows);
        Array.Resize(ref _flows, size);
        Array.Resize(ref _free, size);
        AddFreeSlots(old, size);
    }

    private void AddFreeSlots(int from, int to)
    {
        for (int i = to - 1; i >= from; i--)
        {
            _free[_freeCount++] = i;
        }
    }

    /// <summary>Frees the stalest of a few slots after the clock hand, preferring half-open and closed flows (what a flood leaves).</summary>
    private void Evict()
    {
        int victim = -1;
        long best = long.MaxValue;
        for (int i = 0; i < EvictionSample; i++)
        {
            _hand = (_hand + 1) % _flows.Length;
            ref var f = ref _flows[_hand];
            long age = f.LastTicks - (f.HalfOpen || f.Closed ? _idleTicks : 0);
            if (age < best)
            {
                best = age;
                victim = _hand;
            }
        }
        Statistics.FlowsEvicted++;
        Remove(victim);
    }

    /// <summary>Once per count window: forgets flows idle longer than <see cref="WireOptions.FlowIdle"/>, reports holds still going on.</summary>
    private void Sweep()
    {
        long cutoff = _now - _idleTicks;
        for (int i = 0; i < _flows.Length; i++)
        {
            ref var flow = ref _flows[i];
            if (!flow.InUse)
            {
                continue;
            }
            if (flow.LastTicks < cutoff)
            {
                Remove(i);
                continue;
            }
            // A hold still going on is reported now (live capture cannot wait for its end); its end adds nothing.
            SettleShrink(ref flow, final: false);
            long saved = _offset;
            _offset = flow.LastOffset;
            if (flow.A.ZeroSince != 0)
            {
                ReportHold(ref flow, ref flow.A, 0, ongoing: true);
            }
            if (flow.B.ZeroSince != 0)
            {
                ReportHold(ref flow, ref flow.B, 1, ongoing: true);
            }
            _offset = saved;
        }
    }

    private void Remove(int slot)
    {
        ref var flow = ref _flows[slot];
        FinishFlow(ref flow);
        _index.Remove(flow.Key);
        flow.InUse = false;
        _free[_freeCount++] = slot;
        Statistics.ActiveFlows = _index.Count;
    }

    private void FinishFlow(ref TcpFlow flow)
    {
        SettleShrink(ref flow, final: true);
        long saved = _offset;
        _offset = flow.LastOffset;
        EndZero(ref flow, ref flow.A, 0);
        EndZero(ref flow, ref flow.B, 1);
        CheckSlowRead(ref flow, ref flow.A, 0, flow.LastTicks, force: true);
        CheckSlowRead(ref flow, ref flow.B, 1, flow.LastTicks, force: true);
        _offset = saved;
    }

    private void OnSyn(ref TcpFlow flow, int side, in TcpPacket packet)
    {
        ref var sender = ref side == 0 ? ref flow.A : ref flow.B;
        bool synAck = (packet.Flags & TcpFlags.Ack) != 0;
        if (!synAck && sender.SeqKnown && packet.Sequence != sender.NextSeq - 1 && flow.ServerSide != -1)
        {
            // A new SYN with another ISN on a known 4-tuple: the port was reused, a new connection starts.
            var key = flow.Key;
            FinishFlow(ref flow);
            long first = _now;
            flow = default;
            flow.Key = key;
            flow.InUse = true;
            flow.FirstTicks = first;
            flow.LastTicks = first;
            flow.A.OfferedScale = -2;
            flow.B.OfferedScale = -2;
        }
        sender.OfferedScale = packet.WindowScale;
        sender.SeqKnown = true;
        sender.NextSeq = packet.Sequence + 1;
        if (synAck)
        {
            flow.ServerSide = (sbyte)side;
            flow.HalfOpen = true;
        }
        else
        {
            flow.ServerSide = (sbyte)(1 - side);
            if (!_syns.Add(packet.Destination, packet.DestinationPort, packet.Source, packet.Ttl, _now))
            {
                Statistics.CountOverflow++;
            }
        }
    }

    private void OnReset(ref TcpFlow flow, int side, in TcpPacket packet)
    {
        if (!_resets.Add(packet.Source, packet.Destination, packet.DestinationPort, _now, 1, 0))
        {
            Statistics.CountOverflow++;
        }
        EndZero(ref flow, ref flow.A, 0);
        EndZero(ref flow, ref flow.B, 1);
        flow.Closed = true;
        flow.HalfOpen = false;
        _ = side;
    }

    /// <summary>The scale <paramref name="side"/>'s windows are shifted by: known only when both SYNs were seen (RFC 7323 §2.2), else -1.</summary>
    private static int ScaleOf(in TcpFlow flow, int side)
    {
        sbyte mine = side == 0 ? flow.A.OfferedScale : flow.B.OfferedScale;
        sbyte theirs = side == 0 ? flow.B.OfferedScale : flow.A.OfferedScale;
        if (mine == -2 || theirs == -2)
        {
            return -1;
        }
        return mine >= 0 && theirs >= 0 ? mine : 0;
    }

    private void Emit(in NetEvent ev, string message)
    {
        int max = Encoding.UTF8.GetMaxByteCount(message.Length);
        if (max > _message.Length)
        {
            _message = new byte[max];
        }
        int n = Encoding.UTF8.GetBytes(message, _message);
        var full = ev with
        {
            Time = _now == 0 ? default : new DateTime(_now, DateTimeKind.Utc),
            UptimeMicros = -1,
            Host = Host,
            Position = new SourcePosition(SourceId, _offset),
        };
        Statistics.EventsEmitted++;
        _sink.Add(full, _message.AsSpan(0, n));
    }
}
