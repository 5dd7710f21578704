using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>
/// if_nametoindex(3): an interface's index as the calling thread's network namespace sees it (an ioctl on a socket of
/// that namespace), where /sys/class/net shows the namespace sysfs was mounted in.
/// </summary>
internal static partial class Libc
{
    /// <summary>The index, or 0 when the namespace has no such interface (errno ENODEV).</summary>
    [LibraryImport("libc", EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);
}
