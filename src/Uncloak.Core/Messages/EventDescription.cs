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

    /// <summary>
    /// Who initiated the connection, judged from well-known service ports alone; <see cref="Analysis.ServicePorts"/>
    /// adds what the host listened on and the port ranges.
    /// </summary>
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
        if (MessageFamilies.For(ev.Kind) is { } family)
        {
            family.Describe(ev, list);
        }
        else
        {
            AddEndpoints(ev, list);
        }
        return list;
    }

    /// <summary>The peer and the local port, for kinds with nothing more particular to say.</summary>
    public static void AddEndpoints(in NetEvent ev, List<DescribedField> list)
    {
        if (!ev.Peer.IsNone)
        {
            list.Add(new("peer", Format(ev.Peer, ev.PeerPort)));
        }
        if (ev.LocalPort != 0)
        {
            list.Add(new("local port", ev.LocalPort.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>What a direction means, in the words `explain` uses.</summary>
    public static string DirectionText(ConnectionDirection direction) => direction switch
    {
        ConnectionDirection.Inbound => "inbound: this host is the server, sending to a client",
        ConnectionDirection.Outbound => "outbound: this host is the client; the remote server's side misbehaved",
        _ => "unclear: neither port is a service port or an ephemeral client port",
    };

    /// <summary>The driver and interface a NIC line names, when it names them.</summary>
    public static void AddDevice(in NetEvent ev, List<DescribedField> list)
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
