using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>The columns of one stored row, from an <c>events</c> row or a block (<see cref="EventReader.Expand"/> gives its events back).</summary>
internal readonly record struct EventRow(int Source, long Offset, long? TimeMs, EventKind Kind, NetAddress Peer, ushort LocalPort, byte[] Body,
    string? Text, long Weight, long? LastClock, byte[]? Lines);
