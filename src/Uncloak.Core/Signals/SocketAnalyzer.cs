using Uncloak.Core.Events;
using Uncloak.Core.Sockets;

namespace Uncloak.Core.Signals;

/// <summary>
/// Turns a socket-table snapshot (and optionally the one before it) into per-peer and per-listener findings:
/// zero-window holds, slow reads, SYN-RECV floods and accept-queue exhaustion. Pure; one pass over the table plus
/// work proportional to the suspicious sockets, so 100,000 healthy connections cost little.
/// </summary>
public static class SocketAnalyzer
{
    private const uint SendingStates =
        (1u << (int)TcpState.Established) | (1u << (int)TcpState.CloseWait) | (1u << (int)TcpState.FinWait1) |
        (1u << (int)TcpState.LastAck) | (1u << (int)TcpState.Closing);

    public static SocketFindings Analyze(SocketTable current, SocketTable? previous = null, SignalOptions? options = null)
    {
        options ??= SignalOptions.Default;
        var listeners = new List<SocketRecord>();
        var listeningPorts = new HashSet<ushort>();
        var halfOpen = new Dictionary<ushort, List<SocketRecord>>();
        var establishedPerPort = new Dictionary<ushort, int>();
        var stuck = new List<StuckSocket>();
        var idle = new List<int>();
        var all = AsSpan(current.Sockets);

        for (int index = 0; index < all.Length; index++)
        {
            ref readonly var s = ref all[index];
            switch (s.State)
            {
                case TcpState.Listen:
                    listeners.Add(s);
                    listeningPorts.Add(s.Id.LocalPort);
                    continue;
                case TcpState.SynRecv or TcpState.NewSynRecv:
                    ref var list = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(halfOpen, s.Id.LocalPort, out _);
                    (list ??= []).Add(s);
                    continue;
                case TcpState.Established:
                    ref int n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(establishedPerPort, s.Id.LocalPort, out _);
                    n++;
                    break;
            }
            if (((1u << (int)s.State) & SendingStates) == 0)
            {
                continue;
            }
            if (TryStuck(s, options) is { } form)
            {
                stuck.Add(new StuckSocket(s, form));
            }
            else if (s.State == TcpState.Established && s.HasInfo && s.Info.LastDataSent >= options.SlowReadIdleMillis &&
                     (s.Info.LastDataRecv >= options.SlowReadIdleMillis || s.Info.BytesReceived < options.SlowReadMaxRequestBytes))
            {
                idle.Add(index);
            }
        }

        Dictionary<ulong, SocketRecord>? before = previous is null ? null : IndexByCookie(previous, stuck, idle, all);
        var holds = GroupHolds(stuck, before);
        var slowReads = GroupSlowReads(all, idle, listeningPorts, before, options);
        var views = BuildListenerViews(listeners, halfOpen, establishedPerPort);
        var floods = FindFloods(current, halfOpen, listeners, options);
        var exhausted = views
            .Where(v => v.Backlog > 0 && v.AcceptQueue >= Math.Max(1, v.Backlog * options.AcceptQueueFullRatio))
            .Select(v => new AcceptQueueExhaustion(v))
            .ToList();
        return new SocketFindings(current.Time, current.Sockets.Count, views, holds, slowReads, floods, exhausted);
    }

    /// <summary>Why this socket is held by a closed peer window, or null when it is not (or not for long enough).</summary>
    public static ZeroWindowForm? TryStuck(in SocketRecord s, SignalOptions options)
    {
        var info = s.Info;
        bool zeroWindow = info.HasSndWnd && info.SndWnd == 0;
        ZeroWindowForm form;
        if (s.Timer == SocketTimer.Persist)
        {
            // The persist timer runs only with nothing in flight and a closed window (tcp_check_probe_timer).
            form = ZeroWindowForm.PeerNotReading;
        }
        else if (zeroWindow && s.WQueue > 0)
        {
            // Data in flight while the peer's window is 0: it took back window it had offered (tcp_retransmit_timer's
            // "Probing zero-window" branch). Without data in flight it is a plain closed window not yet probed.
            form = info.Unacked > 0 ? ZeroWindowForm.WindowShrunk : ZeroWindowForm.PeerNotReading;
        }
        else
        {
            return null;
        }
        if (s.WQueue == 0)
        {
            return null;
        }
        uint stalled = form == ZeroWindowForm.PeerNotReading ? info.LastDataSent : info.LastAckRecv;
        return !s.HasInfo || stalled >= options.ZeroWindowMinMillis ? form : null;
    }

    private static Dictionary<ulong, SocketRecord> IndexByCookie(SocketTable previous, List<StuckSocket> stuck, List<int> idle, ReadOnlySpan<SocketRecord> all)
    {
        var wanted = new HashSet<ulong>(stuck.Count + idle.Count);
        foreach (var s in stuck)
        {
            wanted.Add(s.Socket.Id.Cookie);
        }
        foreach (int i in idle)
        {
            wanted.Add(all[i].Id.Cookie);
        }
        var index = new Dictionary<ulong, SocketRecord>(wanted.Count);
        foreach (ref readonly var s in AsSpan(previous.Sockets))
        {
            if (wanted.Contains(s.Id.Cookie))
            {
                index[s.Id.Cookie] = s;
            }
        }
        return index;
    }

    private static List<ZeroWindowHold> GroupHolds(List<StuckSocket> stuck, Dictionary<ulong, SocketRecord>? before)
    {
        var holds = new List<ZeroWindowHold>();
        foreach (var group in stuck.GroupBy(s => s.Socket.Id.Remote))
        {
            var sockets = group.Select(s => before is not null && before.TryGetValue(s.Socket.Id.Cookie, out var old)
                    ? s with { Climbing = s.Probes > Math.Max(old.Info.Probes, old.TimerRetries) || s.Backoff > old.Info.Backoff }
                    : s)
                .OrderByDescending(s => s.StuckBytes)
                .ToList();
            ushort port = sockets.GroupBy(s => s.Socket.Id.LocalPort).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            holds.Add(new ZeroWindowHold(group.Key, port, sockets));
        }
        holds.Sort((a, b) => b.StuckBytes.CompareTo(a.StuckBytes) is var c && c != 0 ? c : a.Peer.CompareTo(b.Peer));
        return holds;
    }

    private static List<SlowRead> GroupSlowReads(ReadOnlySpan<SocketRecord> all, List<int> idle, HashSet<ushort> listeningPorts,
        Dictionary<ulong, SocketRecord>? before, SignalOptions options)
    {
        // Accumulated per (peer, port) without copying sockets: an idle-heavy table (100k keep-alive connections) stays cheap.
        var groups = new Dictionary<(NetAddress Peer, ushort Port), SlowAccumulator>();
        foreach (int i in idle)
        {
            ref readonly var s = ref all[i];
            // Only inbound connections (to a port we listen on): our own idle client connections (database pools) are not attacks.
            if (!listeningPorts.Contains(s.Id.LocalPort))
            {
                continue;
            }
            bool seenUnchanged = false;
            if (before is not null && before.TryGetValue(s.Id.Cookie, out var old))
            {
                if (old.Info.BytesAcked != s.Info.BytesAcked || old.Info.BytesReceived != s.Info.BytesReceived)
                {
                    continue; // it moved since the last look: not stuck
                }
                seenUnchanged = true;
            }
            ref var acc = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(groups, (s.Id.Remote, s.Id.LocalPort), out bool exists);
            if (!exists)
            {
                acc.ShortestIdle = uint.MaxValue;
                acc.AllSeen = true;
            }
            acc.Count++;
            acc.ShortestIdle = Math.Min(acc.ShortestIdle, s.Info.LastDataSent);
            acc.Bytes += s.Info.BytesReceived;
            acc.AllSeen &= seenUnchanged;
        }
        var result = new List<SlowRead>();
        foreach (var ((peer, port), acc) in groups)
        {
            if (acc.Count >= options.SlowReadMinConnections)
            {
                result.Add(new SlowRead(peer, port, acc.Count, acc.ShortestIdle, acc.Bytes, before is not null && acc.AllSeen));
            }
        }
        result.Sort((a, b) => b.Connections != a.Connections ? b.Connections.CompareTo(a.Connections) : a.Peer.CompareTo(b.Peer));
        return result;
    }

    private struct SlowAccumulator
    {
        public int Count;
        public uint ShortestIdle;
        public ulong Bytes;
        public bool AllSeen;
    }

    private static List<ListenerView> BuildListenerViews(List<SocketRecord> listeners, Dictionary<ushort, List<SocketRecord>> halfOpen, Dictionary<ushort, int> established)
    {
        var views = new List<ListenerView>(listeners.Count);
        foreach (var l in listeners)
        {
            // For listeners inet_diag reports the accept queue in idiag_rqueue and the backlog in idiag_wqueue.
            views.Add(new ListenerView(l.Id.Local, l.Id.LocalPort, l.WQueue, l.RQueue,
                halfOpen.TryGetValue(l.Id.LocalPort, out var h) ? h.Count : 0,
                established.GetValueOrDefault(l.Id.LocalPort)));
        }
        views.Sort((a, b) => a.LocalPort != b.LocalPort ? a.LocalPort.CompareTo(b.LocalPort) : a.Local.CompareTo(b.Local));
        return views;
    }

    private static List<SynRecvFlood> FindFloods(SocketTable table, Dictionary<ushort, List<SocketRecord>> halfOpen, List<SocketRecord> listeners, SignalOptions options)
    {
        var floods = new List<SynRecvFlood>();
        foreach (var (port, requests) in halfOpen)
        {
            if (requests.Count < options.SynRecvMinHalfOpen)
            {
                continue;
            }
            var sources = new HashSet<NetAddress>();
            var prefixes = new Dictionary<NetAddress, (int HalfOpen, HashSet<NetAddress> Sources, int Bits)>();
            foreach (var r in requests)
            {
                var src = r.Id.Remote;
                sources.Add(src);
                int bits = src.IsV4 ? 24 : 64;
                var key = src.Prefix(bits);
                if (!prefixes.TryGetValue(key, out var acc))
                {
                    acc = (0, [], bits);
                }
                acc.Sources.Add(src);
                prefixes[key] = (acc.HalfOpen + 1, acc.Sources, bits);
            }
            int completed = 0;
            foreach (ref readonly var s in AsSpan(table.Sockets))
            {
                if (s.State == TcpState.Established && s.Id.LocalPort == port && sources.Remove(s.Id.Remote))
                {
                    completed++;
                }
            }
            int sourceCount = sources.Count + completed;
            var top = prefixes.Select(p => new PrefixCount(p.Key, p.Value.Bits, p.Value.HalfOpen, p.Value.Sources.Count))
                .OrderByDescending(p => p.HalfOpen).ThenBy(p => p.Prefix).Take(10).ToList();
            // Forged sources: spread over many prefixes, about one attempt per source, (almost) none ever completing.
            bool spoofed = prefixes.Count >= options.SpoofedMinPrefixes &&
                           completed * 20 <= sourceCount &&
                           requests.Count <= sourceCount * 3;
            var listener = listeners.FirstOrDefault(l => l.Id.LocalPort == port);
            var local = listeners.Count > 0 && listener.Id.LocalPort == port && !IsUnspecified(listener.Id.Local) ? listener.Id.Local : requests[0].Id.Local;
            floods.Add(new SynRecvFlood(local, port, requests.Count, sourceCount, prefixes.Count, completed, top, spoofed));
        }
        floods.Sort((a, b) => b.HalfOpen.CompareTo(a.HalfOpen));
        return floods;
    }

    private static bool IsUnspecified(NetAddress a) => a.High == 0 && (a.IsV4 ? a.V4 == 0 : a.Low == 0);

    private static ReadOnlySpan<SocketRecord> AsSpan(IReadOnlyList<SocketRecord> list) => list switch
    {
        SocketRecord[] array => array,
        List<SocketRecord> l => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(l),
        _ => list.ToArray(),
    };
}
