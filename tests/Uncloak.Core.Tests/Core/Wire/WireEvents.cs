using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Wire;

namespace Uncloak.Core.Tests.Wire;

/// <summary>Collects what a tracker emits, and feeds it segments built from frames at given times.</summary>
internal sealed class WireEvents : IEventSink
{
    public static readonly long T0 = new DateTime(2026, 6, 17, 4, 0, 0, DateTimeKind.Utc).Ticks;

    public WireEvents(WireOptions? options = null)
    {
        Tracker = new TcpFlowTracker(options ?? new WireOptions(), this);
    }

    public TcpFlowTracker Tracker { get; }

    public List<(NetEvent Event, string Message)> All { get; } = [];

    public IEnumerable<NetEvent> Of(EventKind kind) => All.Where(e => e.Event.Kind == kind).Select(e => e.Event);

    public void Add(in NetEvent ev, ReadOnlySpan<byte> message) => All.Add((ev, Encoding.UTF8.GetString(message)));

    /// <summary>Feeds one raw-IP packet at <paramref name="seconds"/> after <see cref="T0"/>.</summary>
    public void At(double seconds, byte[] ip)
    {
        if (PacketDecoder.Decode(LinkType.Raw, ip, out var packet) != DecodeResult.Tcp)
        {
            throw new InvalidOperationException("test packet does not decode");
        }
        Tracker.Add(packet, T0 + (long)(seconds * TimeSpan.TicksPerSecond), (long)(seconds * 1000));
    }

    /// <summary>Feeds one raw-IP ICMP message at <paramref name="seconds"/> after <see cref="T0"/>.</summary>
    public void AtIcmp(double seconds, byte[] ip)
    {
        if (PacketDecoder.Decode(LinkType.Raw, ip, out var packet) != DecodeResult.Icmp)
        {
            throw new InvalidOperationException("test packet does not decode as ICMP");
        }
        Tracker.AddIcmp(packet, T0 + (long)(seconds * TimeSpan.TicksPerSecond), (long)(seconds * 1000));
    }
}
