using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>One decoded field of a concrete event, with what its value means here.</summary>
public sealed record DescribedField(string Name, string Value, string? Meaning = null);

/// <summary>Turns a parsed event into the field list `explain` prints: values, and what they mean for this very line.</summary>
public static class EventDescription
{
    /// <summary>Ports at or below this, and a few well-known high ones, are treated as service ports.</summary>
    public static bool IsServicePort(ushort port)
        => port is > 0 and < 1024 or 1433 or 1521 or 2049 or 3306 or 3389 or 5432 or 5672 or 6379 or 6443 or 8000 or 8008 or 8080 or 8443 or 8888 or 9000 or 9090 or 9200 or 11211 or 27017;

    /// <summary>Who initiated the connection, judged from its ports.</summary>
    public static ConnectionDirection DirectionOf(ushort localPort, ushort peerPort)
    {
        bool localService = IsServicePort(localPort);
        bool peerService = IsServicePort(peerPort);
        if (localService && !peerService)
        {
            return ConnectionDirection.Inbound;
        }
        if (peerService && !localService)
        {
            return ConnectionDirection.Outbound;
        }
        return ConnectionDirection.Unknown;
    }

    public static IReadOnlyList<DescribedField> Describe(in NetEvent ev)
    {
        var list = new List<DescribedField>
        {
            new("kind", ev.Kind.Name()),
        };
        if (ev.HasTime)
        {
            list.Add(new("time", ev.Time.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }
        if (ev.UptimeMicros >= 0)
        {
            list.Add(new("uptime", (ev.UptimeMicros / 1e6).ToString("0.000000", CultureInfo.InvariantCulture) + " s", "seconds since boot"));
        }
        if (ev.Host is { Length: > 0 } host)
        {
            list.Add(new("host", host));
        }
        switch (ev.Kind)
        {
            case EventKind.Treason:
                DescribeTreason(ev, list);
                break;
            case EventKind.SynFlood:
                list.Add(new("listener", ev.Local.IsNone ? $"port {ev.LocalPort}" : $"{Format(ev.Local, ev.LocalPort)}",
                    ev.Local.IsNone ? "kernels before 6.2 print only the port" : "the listening socket's bound address"));
                list.Add(new("action", (SynFloodAction)ev.Form == SynFloodAction.SendingCookies ? "sending cookies" : "dropping requests",
                    (SynFloodAction)ev.Form == SynFloodAction.SendingCookies
                        ? "tcp_syncookies is on: legitimate clients still get through"
                        : "tcp_syncookies is OFF: legitimate clients are being refused"));
                break;
            case EventKind.DropOpenRequest:
                list.Add(new("client", Format(ev.Peer, ev.PeerPort), "the remote client whose SYN was dropped"));
                break;
            case EventKind.ConntrackFull:
                list.Add(new("module", ev.Form == ConntrackFullMessage.IpConntrack ? "ip_conntrack" : "nf_conntrack"));
                if (ev.Count != 0)
                {
                    list.Add(new("netns", ev.Count.ToString(CultureInfo.InvariantCulture), "inode of the network namespace whose table is full"));
                }
                break;
            case EventKind.NicLink:
                AddDevice(ev, list);
                list.Add(new("link", ((LinkState)ev.Form).ToString().ToLowerInvariant()));
                if (ev.SpeedMbps > 0)
                {
                    list.Add(new("speed", $"{ev.SpeedMbps} Mbps", ev.SpeedMbps < 1000 ? "below gigabit: check cable and autonegotiation" : null));
                }
                if (ev.Duplex != Duplex.Unknown)
                {
                    list.Add(new("duplex", ev.Duplex.ToString().ToLowerInvariant(), ev.Duplex == Duplex.Half ? "half duplex on a server port points at a duplex mismatch" : null));
                }
                if (ev.FlowControl != FlowControl.Unknown)
                {
                    list.Add(new("flow control", FlowText(ev.FlowControl), ev.FlowControl is FlowControl.Rx or FlowControl.RxTx ? "this NIC obeys pause frames from the switch" : null));
                }
                break;
            case EventKind.NetdevWatchdog:
            case EventKind.NicHang:
                AddDevice(ev, list);
                if (ev.Queue >= 0)
                {
                    list.Add(new("tx queue", ev.Queue.ToString(CultureInfo.InvariantCulture)));
                }
                if (ev.Millis > 0)
                {
                    list.Add(new("stalled for", $"{ev.Millis} ms", "time since the queue last transmitted"));
                }
                break;
            case EventKind.FirewallLog:
                if (ev.Prefix is not null)
                {
                    list.Add(new("rule prefix", ev.Prefix));
                }
                if (ev.Interface is not null)
                {
                    list.Add(new("in interface", ev.Interface));
                }
                list.Add(new("source", Format(ev.Peer, ev.PeerPort), "the sender"));
                list.Add(new("destination", Format(ev.Local, ev.LocalPort), "where it was going (this host, if IN= is set and OUT= empty)"));
                list.Add(new("protocol", ProtocolName(ev.Protocol)));
                if (ev.TcpFlags != TcpFlags.None)
                {
                    list.Add(new("tcp flags", ev.TcpFlags.ToString().ToUpperInvariant(),
                        ev.TcpFlags == TcpFlags.Syn ? "a connection attempt" : null));
                }
                if (ev.Length > 0)
                {
                    list.Add(new("length", ev.Length.ToString(CultureInfo.InvariantCulture) + " bytes"));
                }
                break;
            case EventKind.Martian:
                list.Add(new("bad source", ev.Peer.ToString(), ev.Form == MartianMessage.Source ? "the impossible (martian) source address — printed SECOND in the line" : "the sender"));
                list.Add(new("destination", ev.Local.ToString(), "the packet's destination — printed FIRST in the line"));
                if (ev.Interface is not null)
                {
                    list.Add(new("interface", ev.Interface));
                }
                break;
            case EventKind.NeighbourOverflow:
                list.Add(new("table", ev.Form switch { NeighbourOverflowMessage.Ndisc => "ndisc_cache (IPv6)", NeighbourOverflowMessage.Arp => "arp_cache (IPv4)", _ => "neighbour table" }));
                break;
            case EventKind.RateLimitSuppressed:
                list.Add(new("suppressed", ev.Count.ToString(CultureInfo.InvariantCulture), "network messages the kernel did not print"));
                break;
            default:
                if (!ev.Peer.IsNone)
                {
                    list.Add(new("peer", Format(ev.Peer, ev.PeerPort)));
                }
                if (ev.LocalPort != 0)
                {
                    list.Add(new("local port", ev.LocalPort.ToString(CultureInfo.InvariantCulture)));
                }
                break;
        }
        return list;
    }

    private static void DescribeTreason(in NetEvent ev, List<DescribedField> list)
    {
        var form = (TreasonForm)ev.Form;
        list.Add(new("form", form switch
        {
            TreasonForm.TreasonUncloaked => "\"Treason uncloaked\" (kernels 2.2–2.6.2x)",
            TreasonForm.ShrinksWindowDebug => "2.4 TCP_DEBUG \"shrinks window\"",
            TreasonForm.UnexpectedlyShrunk => "\"unexpectedly shrunk window\" (2.6.2x–6.5)",
            _ => "\"Probing zero-window\" (≥6.6)",
        }));
        list.Add(new("peer", Format(ev.Peer, ev.PeerPort), "the REMOTE end of the connection and its port"));
        list.Add(new("local port", ev.LocalPort.ToString(CultureInfo.InvariantCulture), "this host's port"));
        list.Add(new("direction", DirectionOf(ev.LocalPort, ev.PeerPort) switch
        {
            ConnectionDirection.Inbound => "inbound: this host is the server, sending to a client",
            ConnectionDirection.Outbound => "outbound: this host is the client; the remote server's side misbehaved",
            _ => "unclear from the ports",
        }));
        list.Add(new("snd_una", ev.SeqFrom.ToString(CultureInfo.InvariantCulture), "oldest byte this host sent that is not yet acknowledged"));
        list.Add(new("snd_nxt", ev.SeqTo.ToString(CultureInfo.InvariantCulture), "next byte this host will send"));
        uint inFlight = ev.BytesInFlight;
        list.Add(new("bytes in flight", inFlight.ToString(CultureInfo.InvariantCulture),
            inFlight == 1 ? "one byte: an outstanding zero-window probe"
            : $"snd_nxt − snd_una: {inFlight} bytes were sent inside a window the peer then took back"));
        if (form == TreasonForm.ProbingZeroWindow)
        {
            list.Add(new("last ACK received", $"{ev.Millis} ms ago"));
            list.Add(new("stalled for", $"{ev.Millis2} ms", "since the first retransmission of this episode"));
        }
    }

    private static void AddDevice(in NetEvent ev, List<DescribedField> list)
    {
        if (ev.Driver is not null)
        {
            list.Add(new("driver", ev.Driver));
        }
        if (ev.Interface is not null)
        {
            list.Add(new("interface", ev.Interface));
        }
    }

    public static string Format(NetAddress address, ushort port)
    {
        if (address.IsNone)
        {
            return port == 0 ? "" : port.ToString(CultureInfo.InvariantCulture);
        }
        var text = address.ToString();
        if (port == 0)
        {
            return text;
        }
        return address.IsV6 ? $"[{text}]:{port}" : $"{text}:{port}";
    }

    public static string FlowText(FlowControl flow) => flow switch
    {
        FlowControl.RxTx => "rx/tx",
        FlowControl.Rx => "rx",
        FlowControl.Tx => "tx",
        FlowControl.None => "none",
        _ => "unknown",
    };

    public static string ProtocolName(byte protocol) => protocol switch
    {
        6 => "TCP",
        17 => "UDP",
        1 => "ICMP",
        58 => "ICMPv6",
        132 => "SCTP",
        50 => "ESP",
        51 => "AH",
        0 => "unknown",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };
}

public enum ConnectionDirection : byte
{
    Unknown = 0,

    /// <summary>The peer connected to a service port here.</summary>
    Inbound = 1,

    /// <summary>This host connected to a service port of the peer.</summary>
    Outbound = 2,
}
