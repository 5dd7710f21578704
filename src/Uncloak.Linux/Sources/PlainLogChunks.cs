using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Sources;

/// <summary>A plain log file read by positional reads: no stream position or cached length can hide a truncation.</summary>
internal sealed class PlainLogChunks(FileStream stream) : LogChunks
{
    private readonly byte[] _head = new byte[HeadSize];
    private int _headLength;

    public override SafeFileHandle Handle => stream.SafeFileHandle;

    public override int Read(Span<byte> into, long at) => RandomAccess.Read(stream.SafeFileHandle, into, at);

    public override ReadOnlySpan<byte> Head(long upTo)
    {
        int want = (int)Math.Min(upTo, HeadSize);
        if (_headLength < want)
        {
            // The file was shorter than the head when last looked at; what is written never changes, so read on.
            _headLength += RandomAccess.Read(stream.SafeFileHandle, _head.AsSpan(_headLength, want - _headLength), _headLength);
        }
        return _head.AsSpan(0, Math.Min(_headLength, want));
    }

    public override void Dispose() => stream.Dispose();
}
