using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The bytes of one log file as <see cref="FileTailSource"/> reads them: a plain file by positional reads on its handle
/// (<see cref="PlainLogChunks"/>), or a rotated, gzip-compressed one decompressed front to back
/// (<see cref="GzipLogChunks"/>). Offsets are always offsets in the log's text, so a cursor means the same line in a
/// file and in its compressed copy.
/// </summary>
internal abstract class LogChunks : IDisposable
{
    /// <summary>Bytes of the start of a file its cursor fingerprints (<see cref="Fingerprint"/>).</summary>
    public const int HeadSize = 256;

    /// <summary>The file's handle for the follow-mode checks (rotation, truncation); null for a decompressed copy.</summary>
    public abstract SafeFileHandle? Handle { get; }

    /// <summary>Reads up to <c>into.Length</c> bytes at text offset <paramref name="at"/>; 0 at the end.</summary>
    public abstract int Read(Span<byte> into, long at);

    /// <summary>The first bytes of the text, at most <see cref="HeadSize"/> and never past <paramref name="upTo"/>.</summary>
    public abstract ReadOnlySpan<byte> Head(long upTo);

    /// <summary>
    /// FNV-1a over the first min(<paramref name="offset"/>, <see cref="HeadSize"/>) bytes of the text: lines already
    /// read never change, so the same file in any later form (renamed, compressed) has the same fingerprint at that offset.
    /// </summary>
    public ulong Fingerprint(long offset)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Head(offset))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    public abstract void Dispose();
}
