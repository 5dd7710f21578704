using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// What tells which end of a connection is the server, strongest first: the ports this host was seen listening on
/// (a socket snapshot, or the listeners SYN-flood lines name), the well-known service ports, and the port ranges —
/// clients take their source port from the ephemeral range (Linux 32768–60999, IANA and Windows 49152–65535), servers
/// listen below it. "Unclear" only when none of them tells.
/// </summary>
public sealed class ServicePorts
{
    /// <summary>The lowest ephemeral port of any common stack (Linux's default ip_local_port_range starts here).</summary>
    public const ushort EphemeralFrom = 32768;

    private readonly bool[] _listening = new bool[65536];

    /// <param name="listening">Ports this host listened on.</param>
    /// <param name="complete">
    /// True when <paramref name="listening"/> is every listener the host had (a socket snapshot): a local port outside it
    /// then means this host was the client. False for partial evidence (listeners named by SYN-flood lines).
    /// </param>
    public ServicePorts(IEnumerable<ushort> listening, bool complete = false)
    {
        foreach (var port in listening)
        {
            if (port != 0)
            {
                _listening[port] = true;
                Count++;
            }
        }
        Complete = complete && Count > 0;
    }

    /// <summary>No listeners known: the ports and their ranges alone decide.</summary>
    public static ServicePorts None { get; } = new([]);

    /// <summary>How many distinct listening ports are known.</summary>
    public int Count { get; }

    /// <summary>Whether the listening ports are the host's complete set.</summary>
    public bool Complete { get; }

    public bool IsListening(ushort port) => _listening[port];

    /// <summary>This set with more (partial) listeners added, e.g. those SYN-flood lines of the same log name.</summary>
    public ServicePorts With(IEnumerable<ushort> more)
    {
        var ports = new List<ushort>();
        for (int p = 1; p < _listening.Length; p++)
        {
            if (_listening[p])
            {
                ports.Add((ushort)p);
            }
        }
        int before = ports.Count;
        ports.AddRange(more.Where(p => p != 0 && !_listening[p]));
        return ports.Count == before ? this : new ServicePorts(ports, Complete);
    }

    /// <summary>Who initiated the connection between this host's <paramref name="localPort"/> and the peer's <paramref name="peerPort"/>.</summary>
    public ConnectionDirection DirectionOf(ushort localPort, ushort peerPort)
    {
        if (_listening[localPort])
        {
            return ConnectionDirection.Inbound;
        }
        if (Complete && localPort != 0)
        {
            return ConnectionDirection.Outbound; // every listener is known and this port is none of them
        }
        var byName = EventDescription.DirectionOf(localPort, peerPort);
        if (byName != ConnectionDirection.Unknown)
        {
            return byName;
        }
        bool localEphemeral = localPort >= EphemeralFrom;
        bool peerEphemeral = peerPort >= EphemeralFrom;
        if (peerEphemeral && !localEphemeral && localPort != 0)
        {
            return ConnectionDirection.Inbound; // a client's source port against a port below the ephemeral range
        }
        if (localEphemeral && !peerEphemeral && peerPort != 0)
        {
            return ConnectionDirection.Outbound;
        }
        return ConnectionDirection.Unknown;
    }
}
