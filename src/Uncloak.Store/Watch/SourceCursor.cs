namespace Uncloak.Store.Watch;

/// <summary>Where a live source stopped: its opaque cursor text, the next event position and the records known lost.</summary>
public sealed record SourceCursor(string Source, int SourceId, string Cursor, long Position, long Gaps);
