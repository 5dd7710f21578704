using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// An event as the store keeps it: the event, how many lines it stands for, and its message text; for a run of lines
/// (<see cref="EventRuns"/>) the last line's time (unix ms, or uptime µs when the event has no date), and for a run of link
/// lines (<see cref="LinkRuns"/>) the lines after the first, encoded (<see cref="LinkLines"/>).
/// </summary>
public readonly record struct StoredEvent(NetEvent Event, long Weight, string? Text, long? LastClock = null, ReadOnlyMemory<byte> Lines = default);
