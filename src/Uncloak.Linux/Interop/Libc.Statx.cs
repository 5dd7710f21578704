using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Interop;

/// <summary>statx(2): the inode and size of a path or an open file, which .NET does not expose. Tail rotation needs the inode.</summary>
internal static partial class Libc
{
    private const int AT_FDCWD = -100;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_TYPE = 0x1;
    private const uint STATX_INO = 0x100;

    /// <summary>The file-type bits of st_mode (S_IFMT) and the types a log path may be.</summary>
    public const int S_IFMT = 0xF000;
    public const int S_IFIFO = 0x1000;
    public const int S_IFCHR = 0x2000;
    public const int S_IFBLK = 0x6000;
    public const int S_IFREG = 0x8000;
    public const int S_IFSOCK = 0xC000;
    private const uint STATX_SIZE = 0x200;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatxPath(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int StatxFd(SafeFileHandle fd, string path, int flags, uint mask, byte* buffer);

    /// <summary>Device+inode identity and size of <paramref name="path"/>; false with errno (ENOENT while a file is being rotated) otherwise.</summary>
    public static unsafe bool TryStat(string path, out FileIdentity id, out long size, out int errno)
    {
        byte* buf = stackalloc byte[256];
        int rc = StatxPath(AT_FDCWD, path, 0, STATX_INO | STATX_SIZE, buf);
        return Read(rc, buf, out id, out size, out errno);
    }

    /// <summary>The file type (S_IFMT bits of stx_mode) of <paramref name="path"/>, following symlinks; false with errno otherwise.</summary>
    public static unsafe bool TryFileType(string path, out int type, out int errno)
    {
        byte* buf = stackalloc byte[256];
        int rc = StatxPath(AT_FDCWD, path, 0, STATX_TYPE, buf);
        if (rc != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            type = 0;
            return false;
        }
        // struct statx: stx_mode (u16) at 28.
        type = BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(buf + 28, 2)) & S_IFMT;
        errno = 0;
        return true;
    }

    /// <summary>The same for an open file (which may have been renamed or unlinked since).</summary>
    public static unsafe bool TryStat(SafeFileHandle fd, out FileIdentity id, out long size, out int errno)
    {
        byte* buf = stackalloc byte[256];
        int rc = StatxFd(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_SIZE, buf);
        return Read(rc, buf, out id, out size, out errno);
    }

    private static unsafe bool Read(int rc, byte* buf, out FileIdentity id, out long size, out int errno)
    {
        if (rc != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            id = default;
            size = 0;
            return false;
        }
        var s = new ReadOnlySpan<byte>(buf, 256);
        // struct statx: stx_ino at 32, stx_size at 40, stx_dev_major at 136, stx_dev_minor at 140 (include/uapi/linux/stat.h).
        id = new FileIdentity(
            ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(s[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(s[140..]),
            BinaryPrimitives.ReadUInt64LittleEndian(s[32..]));
        size = (long)BinaryPrimitives.ReadUInt64LittleEndian(s[40..]);
        errno = 0;
        return true;
    }
}

/// <summary>A file's identity on this host: device and inode. A rotation by rename gives the path a new one.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    public override string ToString() => $"{Device}:{Inode}";
}
