using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>Sequence and window bookkeeping: retransmissions, zero-window probes, zero windows, shrinks, slow readers.</summary>
public sealed partial class TcpFlowTracker
{
    private static bool Before(uint a, uint b) => (int)(a - b) < 0;

    private void TrackSequence(ref TcpFlow flow, ref FlowHalf sender, ref FlowHalf other, int side, in TcpPacket packet)
    {
        int length = packet.PayloadLength;
        uint seq = packet.Sequence;
        uint span = (uint)length + ((packet.Flags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((packet.Flags & TcpFlags.Fin) != 0 ? 1u : 0u);
        sender.DataBytes += length;
        if (!sender.SeqKnown)
        {
            sender.SeqKnown = true;
            sender.NextSeq = seq + span;
            return;
        }
        if (other.ZeroSince != 0 && other.AckKnown && (packet.Flags & TcpFlags.Syn) == 0
            && ((length == 0 && seq == other.Ack - 1) || (length == 1 && seq == other.Ack)))
        {
            // A zero-window probe: Linux sends snd_una − 1 with no data, others one byte at the window's edge (what
            // tshark calls ZeroWindowProbe). Neither is a retransmission.
            other.Probes++;
            other.ProbePending = true;
            Statistics.ZeroWindowProbes++;
            if (length == 1 && Before(sender.NextSeq, seq + 1))
            {
                sender.NextSeq = seq + 1;
            }
            return;
        }
        if (length > 0)
        {
            if (!Before(sender.NextSeq, seq + (uint)length))
            {
                Statistics.Retransmissions++;
                if (!_retransmits.Add(packet.Destination, packet.Source, packet.SourcePort, _now, 1, 1))
                {
                    Statistics.CountOverflow++;
                }
            }
            else
            {
                _retransmits.Bump(packet.Destination, 0, 1);
            }
        }
        if (Before(sender.NextSeq, seq + span))
        {
            sender.NextSeq = seq + span;
        }
        _ = flow;
        _ = side;
    }

    /// <summary><paramref name="advertiser"/> sent an ACK carrying a window for the data <paramref name="dataSide"/> sends.</summary>
    private void TrackWindow(ref TcpFlow flow, ref FlowHalf advertiser, ref FlowHalf dataSide, int side, in TcpPacket packet)
    {
        uint ack = packet.Acknowledgement;
        if (advertiser.AckKnown && Before(ack, advertiser.Ack))
        {
            // Reordered or duplicated from before: its window is stale, not a shrink.
            return;
        }
        int scale = ScaleOf(flow, side);
        // Unknown scale (the capture started mid-flow): windows are read unscaled. A shrink is then claimed only if it is
        // one at every possible scale, zero stays zero, and "tiny" is never claimed.
        int shift = scale < 0 ? 0 : scale;
        long windowBytes = (long)packet.Window << shift;
        uint edge = ack + (uint)Math.Min(windowBytes, int.MaxValue);
        if (advertiser.AckKnown && Before(edge, advertiser.RightEdge) && advertiser.RightEdge - edge >= (1u << shift))
        {
            Statistics.WindowShrinks++;
            // Only a shrink over data already sent hurts the sender (the kernel's "treason uncloaked"); whether it
            // does is known only later (SettleShrink).
            if (!flow.ShrinkReported && !flow.ShrinkPending && dataSide.SeqKnown && Before(edge, dataSide.NextSeq))
            {
                flow.ShrinkPending = true;
                flow.ShrinkSide = (sbyte)side;
                flow.ShrinkScale = (sbyte)scale;
                flow.ShrinkWindow = packet.Window;
                flow.ShrinkTicks = _now;
                flow.ShrinkOffset = _offset;
                flow.ShrinkOldEdge = advertiser.RightEdge;
                flow.ShrinkEdge = edge;
                flow.ShrinkAck = ack;
                flow.ShrinkDataEnd = dataSide.NextSeq;
            }
        }
        advertiser.AckKnown = true;
        advertiser.Ack = ack;
        advertiser.RightEdge = edge;

        if (packet.Window == 0 && (packet.Flags & (TcpFlags.Fin | TcpFlags.Rst)) == 0)
        {
            uint queued = dataSide.SeqKnown && Before(ack, dataSide.NextSeq) ? dataSide.NextSeq - ack : 0;
            if (advertiser.ZeroSince == 0)
            {
                advertiser.ZeroSince = Math.Max(_now, 1);
                advertiser.ZeroQueued = queued;
                advertiser.Probes = 0;
                advertiser.ProbeAnswers = 0;
                advertiser.ProbePending = false;
                advertiser.ZeroReported = false;
                Statistics.ZeroWindows++;
            }
            else
            {
                if (advertiser.ProbePending)
                {
                    advertiser.ProbeAnswers++;
                    advertiser.ProbePending = false;
                }
                advertiser.ZeroQueued = Math.Max(advertiser.ZeroQueued, queued);
            }
        }
        else if (packet.Window != 0)
        {
            EndZero(ref flow, ref advertiser, side);
        }

        if (scale >= 0 && dataSide.DataBytes > 0)
        {
            if (windowBytes < _options.TinyWindowBytes)
            {
                if (advertiser.TinySince == 0)
                {
                    advertiser.TinySince = Math.Max(_now, 1);
                    advertiser.TinyAck = ack;
                    advertiser.TinyOpened = false;
                }
                advertiser.TinyOpened |= windowBytes > 0;
                CheckSlowRead(ref flow, ref advertiser, side, _now, force: false);
            }
            else
            {
                advertiser.TinySince = 0;
            }
        }
    }

    /// <summary>
    /// Decides a pending shrink. A receiver that closes its window on the ACK of one segment while the next, sent into the
    /// window it offered, is still on the wire, and then takes and acknowledges that segment, retracted nothing the
    /// sender ever had to retransmit: no shrink (the kernel prints "treason" only when a retransmission timeout finds the
    /// window shut over data in flight). The data acknowledged within <see cref="RtoMin"/> of the shrink is that race;
    /// data still unacknowledged then, or at the flow's end (<paramref name="final"/>), was retracted. The event is
    /// timed when the verdict falls (events leave the tracker in time order), its position is the shrinking packet's.
    /// </summary>
    private void SettleShrink(ref TcpFlow flow, bool final)
    {
        if (!flow.ShrinkPending)
        {
            return;
        }
        int side = flow.ShrinkSide;
        ref var advertiser = ref side == 0 ? ref flow.A : ref flow.B;
        bool taken = !Before(advertiser.Ack, flow.ShrinkDataEnd);
        bool late = _now - flow.ShrinkTicks >= RtoMin;
        if (taken && !late)
        {
            flow.ShrinkPending = false;
            Statistics.ShrinksTakenBack++;
            return;
        }
        if (!late && !final)
        {
            return;
        }
        flow.ShrinkPending = false;
        flow.ShrinkReported = true;
        uint retracted = flow.ShrinkOldEdge - flow.ShrinkEdge;
        uint inFlight = flow.ShrinkDataEnd - flow.ShrinkAck;
        long saved = _offset;
        _offset = flow.ShrinkOffset;
        Emit(new NetEvent
        {
            Kind = EventKind.ZeroWindowHold,
            Form = 1,
            Peer = flow.Key.Address(side),
            PeerPort = flow.Key.Port(side),
            Local = flow.Key.Address(1 - side),
            LocalPort = flow.Key.Port(1 - side),
            Count = 1,
            Length = (int)Math.Min(inFlight, int.MaxValue),
            SeqFrom = flow.ShrinkOldEdge,
            SeqTo = flow.ShrinkEdge,
        }, string.Create(CultureInfo.InvariantCulture,
            $"wire: {Endpoint(flow, side)} shrank its window: right edge moved back {retracted} bytes to {flow.ShrinkEdge} with {inFlight} bytes in flight (ack {flow.ShrinkAck}, window {flow.ShrinkWindow}{ScaleText(flow.ShrinkScale)}){(taken ? "; the data was acknowledged only after a retransmission timeout" : "")}"));
        _offset = saved;
    }

    /// <summary>Linux's TCP_RTO_MIN: no sender retransmits sooner, so data acknowledged within it never met the shrunk window.</summary>
    private static readonly long RtoMin = TimeSpan.FromMilliseconds(200).Ticks;

    /// <summary>The window of <paramref name="half"/> reopened, or its flow ends: report the hold if it lasted.</summary>
    private void EndZero(ref TcpFlow flow, ref FlowHalf half, int side)
    {
        if (half.ZeroSince == 0)
        {
            return;
        }
        ReportHold(ref flow, ref half, side, ongoing: false);
        half.ZeroSince = 0;
    }

    private void ReportHold(ref TcpFlow flow, ref FlowHalf half, int side, bool ongoing)
    {
        long held = Math.Max(flow.LastTicks, _now) - half.ZeroSince;
        if (half.ZeroReported || held < _options.ZeroWindowHold.Ticks)
        {
            return;
        }
        half.ZeroReported = true;
        int millis = (int)Math.Min(held / TimeSpan.TicksPerMillisecond, int.MaxValue);
        string persist = half.Probes > 0 && half.ProbeAnswers >= half.Probes - 1
            ? $"; {half.ProbeAnswers} of {half.Probes} probes answered with window 0 (persist stall)"
            : half.Probes > 0 ? $"; {half.Probes} probes, {half.ProbeAnswers} answered" : "";
        Emit(new NetEvent
        {
            Kind = EventKind.ZeroWindowHold,
            Form = 0,
            Peer = flow.Key.Address(side),
            PeerPort = flow.Key.Port(side),
            Local = flow.Key.Address(1 - side),
            LocalPort = flow.Key.Port(1 - side),
            Count = 1,
            Length = (int)Math.Min(half.ZeroQueued, int.MaxValue),
            Millis = millis,
            Queue = half.Probes,
        }, string.Create(CultureInfo.InvariantCulture,
            $"wire: {Endpoint(flow, side)} held its window at 0 for {millis / 1000.0:0.###} s{(ongoing ? " (still held)" : "")} with {half.ZeroQueued} bytes in flight towards it{persist}"));
    }

    private void CheckSlowRead(ref TcpFlow flow, ref FlowHalf half, int side, long now, bool force)
    {
        if (half.TinySince == 0 || flow.SlowReadReported || !half.TinyOpened || now - half.TinySince < _options.SlowRead.Ticks)
        {
            return;
        }
        _ = force;
        flow.SlowReadReported = true;
        int millis = (int)Math.Min((now - half.TinySince) / TimeSpan.TicksPerMillisecond, int.MaxValue);
        uint read = half.Ack - half.TinyAck;
        Emit(new NetEvent
        {
            Kind = EventKind.SlowRead,
            Peer = flow.Key.Address(side),
            PeerPort = flow.Key.Port(side),
            Local = flow.Key.Address(1 - side),
            LocalPort = flow.Key.Port(1 - side),
            Count = 1,
            Millis = millis,
            Length = (int)Math.Min(read, int.MaxValue),
        }, string.Create(CultureInfo.InvariantCulture,
            $"wire: {Endpoint(flow, side)} kept its window under {_options.TinyWindowBytes} bytes for {millis / 1000.0:0.###} s, reading {read} bytes (slow reader)"));
    }

    private static string Endpoint(in TcpFlow flow, int side)
    {
        var address = flow.Key.Address(side);
        string a = address.IsV6 ? $"[{address}]" : address.ToString();
        string role = flow.ServerSide == -1 ? "" : flow.ServerSide == side ? " (server)" : " (client)";
        return string.Create(CultureInfo.InvariantCulture, $"{a}:{flow.Key.Port(side)}{role}");
    }

    private static string ScaleText(int scale) => scale < 0 ? ", scale unknown: read unscaled" : scale == 0 ? "" : $" << {scale}";
}
