using Uncloak.Core.Events;

namespace Uncloak.Core.Ingest;

/// <summary>Receives events as a scanner finds them. The message span is valid only during the call.</summary>
public interface IEventSink
{
    void Add(in NetEvent ev, ReadOnlySpan<byte> message);
}
