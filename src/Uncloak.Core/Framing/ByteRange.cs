namespace Uncloak.Core.Framing;

/// <summary>A run of bytes in an input, by offset and length (a damaged range that was skipped).</summary>
public readonly record struct ByteRange(long Offset, long Length);
