namespace Uncloak.Store.Events;

/// <summary>A log source the store knows: events below <see cref="BytesDone"/> are stored already.</summary>
public sealed record SourceRecord(int Id, string Path, string Format, long BytesDone, long Lines, long Malformed);
