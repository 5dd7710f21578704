using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Wire;

namespace Uncloak.Benchmarks;

/// <summary>
/// The wire's per-packet hot path (issue 15): decoding an Ethernet/IPv4/TCP frame, and decoding plus the TCP flow
/// tracker. 200,000 frames of 2,000 connections to one server (handshake with MSS and window-scale options, 45 data
/// segments each answered by an ACK, FIN/ACK close; one connection in 20 advertises a zero window for ten segments and
/// opens it again), 10 µs apart. Reported per packet (OperationsPerInvoke); the target is 0 B allocated per packet.
/// The tracker is kept across invocations with its clock moved on by ten minutes each time, so every invocation's
/// connections start on free slots of the tracker's table, as a long capture reuses them.
/// </summary>
[MemoryDiagnoser]
public class WireBenchmarks
{
    private const int Connections = 2_000;
    private const int DataSegments = 45;
    private const int Packets = Connections * (3 + 2 * DataSegments + 3);
    private const int FrameLength = 66; // Ethernet 14 + IPv4 20 + TCP 20 + up to 12 bytes of options
    private static readonly long Start = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly byte[] _frames = new byte[Packets * FrameLength];
    private readonly int[] _lengths = new int[Packets];
    private readonly int[] _onWire = new int[Packets];
    private readonly CountingSink _sink = new();
    private WireScanner _scanner = null!;
    private long _round;

    [GlobalSetup]
    public void Setup()
    {
        int n = 0;
        var server = BinaryPrimitives.ReadUInt32BigEndian([198, 19, 0, 1]);
        // Connections interleave in groups of 20, as concurrent clients do, so the flow table sees 20 live flows at once.
        for (int group = 0; group < Connections; group += 20)
        {
            var script = new List<(int Connection, uint Src, uint Dst, ushort Sport, ushort Dport, uint Seq, uint Ack, TcpFlags Flags, ushort Window, int Payload, bool Syn)>();
            for (int c = group; c < group + 20; c++)
            {
                uint client = 0xC6120000u | (uint)(c + 1); // 198.18.0.0/15
                ushort port = (ushort)(20_000 + c);
                uint cs = (uint)c * 7919u, ss = (uint)c * 104_729u;
                bool holder = c % 20 == 0;
                script.Add((c, client, server, port, 443, cs, 0, TcpFlags.Syn, 64_240, 0, true));
                script.Add((c, server, client, 443, port, ss, cs + 1, TcpFlags.Syn | TcpFlags.Ack, 65_160, 0, true));
                script.Add((c, client, server, port, 443, cs + 1, ss + 1, TcpFlags.Ack, 502, 0, false));
                for (int i = 0; i < DataSegments; i++)
                {
                    uint sent = (uint)(i * 1448);
                    bool zero = holder && i is >= 20 and < 30;
                    script.Add((c, server, client, 443, port, ss + 1 + sent, cs + 1, TcpFlags.Ack | TcpFlags.Psh, 501, 1448, false));
                    script.Add((c, client, server, port, 443, cs + 1, ss + 1 + sent + 1448, TcpFlags.Ack, (ushort)(zero ? 0 : 502), 0, false));
                }
                uint end = ss + 1 + DataSegments * 1448u;
                script.Add((c, server, client, 443, port, end, cs + 1, TcpFlags.Fin | TcpFlags.Ack, 501, 0, false));
                script.Add((c, client, server, port, 443, cs + 1, end + 1, TcpFlags.Fin | TcpFlags.Ack, 502, 0, false));
                script.Add((c, server, client, 443, port, end + 1, cs + 2, TcpFlags.Ack, 501, 0, false));
            }
            // Round-robin over the group's connections, each keeping its own order.
            var queues = script.GroupBy(s => s.Connection).Select(g => new Queue<(int, uint, uint, ushort, ushort, uint, uint, TcpFlags, ushort, int, bool)>(g)).ToList();
            while (queues.Any(q => q.Count > 0))
            {
                foreach (var q in queues.Where(q => q.Count > 0))
                {
                    var (_, src, dst, sport, dport, seq, ack, flags, window, payload, syn) = q.Dequeue();
                    _onWire[n] = 14 + 20 + (syn ? 28 : 20) + payload;
                    _lengths[n] = Write(_frames.AsSpan(n * FrameLength, FrameLength), src, dst, sport, dport, seq, ack, flags, window, payload, syn);
                    n++;
                }
            }
        }
        _scanner = new WireScanner(new WireOptions(), _sink);
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public int DecodePerPacket()
    {
        int tcp = 0;
        for (int i = 0; i < Packets; i++)
        {
            if (PacketDecoder.Decode(LinkType.Ethernet, _frames.AsSpan(i * FrameLength, _lengths[i]), out var packet) == DecodeResult.Tcp)
            {
                tcp += packet.DestinationPort;
            }
        }
        return tcp;
    }

    [Benchmark(OperationsPerInvoke = Packets)]
    public long DecodeAndTrackPerPacket()
    {
        // Ten minutes on per invocation: more than the idle timeout, so the last round's flows are gone.
        long ticks = Start + _round++ * TimeSpan.TicksPerMinute * 10;
        for (int i = 0; i < Packets; i++)
        {
            _scanner.Feed(LinkType.Ethernet, _frames.AsSpan(i * FrameLength, _lengths[i]), _onWire[i], ticks, i);
            ticks += 10 * TimeSpan.TicksPerMicrosecond;
        }
        return _sink.Events;
    }

    /// <summary>Writes one frame with a 96-byte snapshot's view (headers, no payload bytes); returns its captured length.</summary>
    private static int Write(Span<byte> f, uint src, uint dst, ushort sport, ushort dport, uint seq, uint ack, TcpFlags flags, ushort window, int payload, bool syn)
    {
        int options = syn ? 8 : 0; // MSS (4) + NOP + window scale (3)
        int tcpLength = 20 + options;
        f[..12].Fill(0x02);
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + tcpLength + payload));
        ip[8] = 64;
        ip[9] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], src);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], dst);
        var tcp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sport);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], dport);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[12] = (byte)(tcpLength / 4 << 4);
        tcp[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        if (syn)
        {
            tcp[20] = 2; tcp[21] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], 1460);
            tcp[24] = 1; tcp[25] = 3; tcp[26] = 3; tcp[27] = 7;
        }
        return 14 + 20 + tcpLength;
    }

    /// <summary>Counts events without keeping them: what the benchmark measures is the tracker, not a consumer.</summary>
    private sealed class CountingSink : IEventSink
    {
        public long Events { get; private set; }

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message) => Events++;
    }
}
