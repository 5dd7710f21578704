using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Interop;

/// <summary>An owned file descriptor, closed exactly once.</summary>
internal sealed class FileDescriptor : SafeHandleMinusOneIsInvalid
{
    public FileDescriptor(int fd) : base(ownsHandle: true) => SetHandle(fd);

    public int Fd => (int)handle;

    // close(2) errors are not actionable here: the descriptor is gone either way (and retrying EINTR on Linux is wrong).
    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
