using System.Runtime.InteropServices;
using System.Text;

namespace Uncloak.Linux.Interop;

/// <summary>if_indextoname(3): an interface's name from its index, in the network namespace of the calling thread.</summary>
internal static partial class Libc
{
    // IF_NAMESIZE of net/if.h, the trailing NUL included.
    private const int IF_NAMESIZE = 16;

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
