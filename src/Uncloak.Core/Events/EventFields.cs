using System.Globalization;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Events;

/// <summary>
/// The flat, named view of an event used by JSON output, the sample files' <c># expect:</c> lines and the store.
/// Only the fields meaningful for the event's kind are present: a log family writes its own
/// (<see cref="MessageFamily.WriteFields"/>); the host-signal kinds, which no log line produces, are written here.
/// </summary>
public static class EventFields
{
    public static IReadOnlyDictionary<string, object> Of(in NetEvent ev)
    {
        var d = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["kind"] = ev.Kind.Name() };
        if (ev.HasTime)
        {
            d["time"] = ev.Time.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture);
        }
        if (ev.UptimeMicros >= 0)
        {
            d["uptime_us"] = ev.UptimeMicros;
        }
        if (ev.Host is { Length: > 0 })
        {
            d["host"] = ev.Host;
        }
        if (!ev.Peer.IsNone)
        {
            d["peer"] = ev.Peer.ToString();
        }
        if (ev.PeerPort != 0)
        {
            d["peer_port"] = (long)ev.PeerPort;
        }
        if (!ev.Local.IsNone)
        {
            d["local"] = ev.Local.ToString();
        }
        if (ev.LocalPort != 0)
        {
            d["local_port"] = (long)ev.LocalPort;
        }
        if (MessageFamilies.For(ev.Kind) is { } family)
        {
            family.WriteFields(ev, d);
        }
        switch (ev.Kind)
        {
            case EventKind.ZeroWindowHold:
                d["form"] = ev.Form == 1 ? "window_shrunk" : "peer_not_reading";
                d["sockets"] = ev.Count;
                d["stuck_bytes"] = (long)ev.Length;
                d["stalled_ms"] = (long)ev.Millis;
                d["probes"] = (long)ev.Queue;
                d["backoff"] = (long)ev.Millis2;
                break;
            case EventKind.SlowRead:
                d["connections"] = ev.Count;
                d["idle_ms"] = (long)ev.Millis;
                d["bytes_received"] = (long)ev.Length;
                break;
            case EventKind.SynRecvFlood:
                d["half_open"] = ev.Count;
                d["sources"] = (long)ev.Length;
                d["prefixes"] = (long)ev.Queue;
                d["spoofed"] = ev.Form == 1 ? "true" : "false";
                if (ev.PeerPrefixLength != 0)
                {
                    d["source_range"] = string.Create(CultureInfo.InvariantCulture, $"{ev.Peer}/{ev.PeerPrefixLength}");
                }
                if (ev.Millis2 != 0)
                {
                    // Only the wire sees TTLs: the spread of the SYNs' TTLs, a spoofing hint.
                    d["ttl_spread"] = (long)ev.Millis2;
                }
                break;
            case EventKind.AcceptQueueFull:
                d["accept_queue"] = (long)ev.Queue;
                d["backlog"] = (long)ev.Length;
                d["half_open"] = ev.Count;
                break;
            case EventKind.RstStorm:
                d["resets"] = ev.Count;
                d["window_ms"] = (long)ev.Millis;
                break;
            case EventKind.RetransmitStorm:
                d["retransmissions"] = ev.Count;
                d["data_segments"] = (long)ev.Length;
                d["window_ms"] = (long)ev.Millis;
                break;
            case EventKind.IcmpFlood:
                d["packets"] = ev.Count;
                d["icmp_type"] = (long)ev.Queue;
                d["window_ms"] = (long)ev.Millis;
                d["single_source"] = ev.Form == 0 ? "true" : "false";
                break;
            case EventKind.OddPacket:
                d["form"] = OddPacketForms.Name((OddPacketForm)ev.Form);
                d["count"] = ev.Count;
                if (ev.TcpFlags != TcpFlags.None)
                {
                    d["tcp_flags"] = FlagsName(ev.TcpFlags);
                }
                break;
            case EventKind.CounterAlarm:
                d["counter"] = ev.Prefix ?? "";
                d["count"] = ev.Count;
                d["interval_ms"] = (long)ev.Millis;
                break;
        }
        if (ev.Interface is not null)
        {
            d["interface"] = ev.Interface;
        }
        if (ev.Driver is not null)
        {
            d["driver"] = ev.Driver;
        }
        return d;
    }

    public static string FlowName(FlowControl flow) => flow switch
    {
        FlowControl.RxTx => "rx_tx",
        FlowControl.Rx => "rx",
        FlowControl.Tx => "tx",
        FlowControl.None => "none",
        _ => "unknown",
    };

    /// <summary>Flags in the order the kernel's LOG target prints them.</summary>
    public static string FlagsName(TcpFlags flags)
    {
        Span<(TcpFlags Flag, string Name)> order =
        [
            (TcpFlags.Cwr, "CWR"), (TcpFlags.Ece, "ECE"), (TcpFlags.Urg, "URG"), (TcpFlags.Ack, "ACK"),
            (TcpFlags.Psh, "PSH"), (TcpFlags.Rst, "RST"), (TcpFlags.Syn, "SYN"), (TcpFlags.Fin, "FIN"),
        ];
        var parts = new List<string>(8);
        foreach (var (flag, name) in order)
        {
            if ((flags & flag) != 0)
            {
                parts.Add(name);
            }
        }
        return string.Join(' ', parts);
    }
}
