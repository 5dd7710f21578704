using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>An event as the store keeps it: the event, how many lines it stands for, and its message text.</summary>
public readonly record struct StoredEvent(NetEvent Event, long Weight, string? Text);
