using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Interop;

/// <summary>open/read/poll/lseek for <c>/dev/kmsg</c>, whose errno values carry meaning .NET streams hide (EAGAIN, EPIPE).</summary>
internal static partial class Libc
{
    public const int O_RDONLY = 0;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EPIPE = 32;
    public const int SEEK_SET = 0;
    private const short POLLIN = 1;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial SafeFileHandle Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadRaw(SafeFileHandle fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LseekRaw(SafeFileHandle fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int PollRaw(PollFd* fds, nuint count, int timeoutMs);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>One read(2): bytes read (≥ 0) or −errno.</summary>
    public static unsafe long Read(SafeFileHandle fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n = ReadRaw(fd, p, (nuint)buffer.Length);
            return n >= 0 ? n : -Marshal.GetLastPInvokeError();
        }
    }

    public static long Seek(SafeFileHandle fd, long offset, int whence)
    {
        long r = LseekRaw(fd, offset, whence);
        return r >= 0 ? r : -Marshal.GetLastPInvokeError();
    }

    /// <summary>Waits until <paramref name="fd"/> is readable or <paramref name="timeoutMs"/> passes; true when readable.</summary>
    public static unsafe bool PollReadable(SafeFileHandle fd, int timeoutMs)
    {
        bool added = false;
        fd.DangerousAddRef(ref added);
        try
        {
            var p = new PollFd { Fd = (int)fd.DangerousGetHandle(), Events = POLLIN };
            int rc = PollRaw(&p, 1, timeoutMs);
            return rc > 0 && (p.Revents & POLLIN) != 0;
        }
        finally
        {
            if (added)
            {
                fd.DangerousRelease();
            }
        }
    }
}
