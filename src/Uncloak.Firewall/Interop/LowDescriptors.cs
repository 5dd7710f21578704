using Microsoft.Win32.SafeHandles;

namespace Uncloak.Firewall.Interop;

/// <summary>
/// Keeps libnftables' netlink socket on a descriptor below 1024. libnftables 1.0 waits for the kernel's answer to a
/// batch with <c>select()</c>, whose descriptor sets hold descriptors below <c>FD_SETSIZE</c> (1024) only; with its
/// socket on a higher one, glibc aborts the whole process (<c>*** bit out of range 0 - FD_SETSIZE on fd_set ***</c>) —
/// a daemon serving many connections, or a test host holding a thousand sockets, the moment it bans. The socket is
/// opened by <c>nft_ctx_new</c> on the lowest free descriptor, so a few low descriptors are held from the first context
/// on, and one is given up for a context opened while none below 1024 is free (taken back once a context is freed).
/// </summary>
internal static class LowDescriptors
{
    /// <summary>glibc's FD_SETSIZE: select() takes descriptors below it only.</summary>
    public const int SelectLimit = 1024;

    private const int Reserve = 8;

    private static readonly Lock Gate = new();
    private static readonly Stack<SafeFileHandle> Held = new();

    static LowDescriptors() => Refill();

    /// <summary>
    /// Runs <paramref name="open"/> (which opens one descriptor: a libnftables context) where it gets a descriptor below
    /// <see cref="SelectLimit"/>; throws <see cref="FirewallException"/> when none can be had (every low descriptor in
    /// use and none held), rather than let the library abort the process later.
    /// </summary>
    public static T Open<T>(Func<T> open)
    {
        lock (Gate)
        {
            if (LowestFree() < SelectLimit)
            {
                return open();
            }
            if (!Held.TryPop(out var held))
            {
                throw new FirewallException($"every descriptor below {SelectLimit} is in use and libnftables cannot wait on a higher one (its select() would abort the process); close descriptors or restart uncloak");
            }
            held.Dispose(); // the lowest free descriptor now: the context's socket takes it
            return open();
        }
    }

    /// <summary>Takes back the low descriptors given up (call once a context is freed).</summary>
    public static void Refill()
    {
        lock (Gate)
        {
            while (Held.Count < Reserve)
            {
                var handle = File.OpenHandle("/dev/null");
                if (Number(handle) >= SelectLimit)
                {
                    handle.Dispose(); // none low to hold right now
                    return;
                }
                Held.Push(handle);
            }
        }
    }

    /// <summary>The descriptor the next open would get.</summary>
    public static int LowestFree()
    {
        using var probe = File.OpenHandle("/dev/null");
        return Number(probe);
    }

    private static int Number(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
