using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// An event as the store keeps it: the event, how many lines it stands for, and its message text; for a run of lines
/// (<see cref="EventRuns"/>) the last line's time (unix ms, or uptime µs when the event has no date), and for a run of link
/// lines (<see cref="LinkRuns"/>) the lines after the first, encoded (<see cref="LinkLines"/>), and how many of its lines
/// fall in each unix minute when they span more than one (<see cref="Minutes"/>).
/// </summary>
/// <remarks>
/// <see cref="Minutes"/>: lines per unix minute for the dashboard's timeline (<c>event_minutes</c>), when the row is a
/// dated run of lines that may span more than one minute; empty otherwise (all <see cref="Weight"/> lines count in the
/// event's own minute).
/// </remarks>
public readonly record struct StoredEvent(NetEvent Event, long Weight, string? Text, long? LastClock = null, ReadOnlyMemory<byte> Lines = default,
    ReadOnlyMemory<(long Minute, long Count)> Minutes = default);
