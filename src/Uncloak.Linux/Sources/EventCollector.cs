using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;

namespace Uncloak.Linux.Sources;

/// <summary>Collects a scanner's events with their message text for the next batch.</summary>
internal sealed class EventCollector : IEventSink
{
    public List<(NetEvent Event, string? Text)> Events { get; private set; } = [];

    public void Add(in NetEvent ev, ReadOnlySpan<byte> message) => Events.Add((ev, Encoding.UTF8.GetString(message)));

    /// <summary>Hands over what was collected and starts a new list.</summary>
    public List<(NetEvent Event, string? Text)> Take()
    {
        var taken = Events;
        Events = [];
        return taken;
    }
}
