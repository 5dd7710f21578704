using System.Runtime.InteropServices;
using System.Text;

namespace Uncloak.Linux.Interop;

/// <summary>
/// if_nametoindex(3) and if_indextoname(3): interface names and indexes as the calling thread's network namespace sees
/// them (an ioctl on a socket of that namespace), where /sys/class/net shows the namespace sysfs was mounted in.
/// </summary>
internal static partial class Libc
{
    // IF_NAMESIZE of net/if.h, the trailing NUL included.
    private const int IF_NAMESIZE = 16;

    /// <summary>The index, or 0 when the namespace has no such interface (errno ENODEV).</summary>
    [LibraryImport("libc", EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint IfNameToIndex(string name);

    [LibraryImport("libc", EntryPoint = "if_indextoname", SetLastError = true)]
    private static unsafe partial byte* IfIndexToName(uint ifindex, byte* name);

    /// <summary>The interface's name, or null when no interface has that index (ENXIO: it went away since the dump).</summary>
    internal static unsafe string? InterfaceName(int ifindex)
    {
        if (ifindex <= 0)
        {
            return null;
        }
        byte* name = stackalloc byte[IF_NAMESIZE];
        if (IfIndexToName((uint)ifindex, name) is null)
        {
            return null;
        }
        return Encoding.ASCII.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
    }
}
