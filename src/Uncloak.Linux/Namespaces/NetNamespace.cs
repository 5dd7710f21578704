using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Namespaces;

/// <summary>
/// Runs code inside a named network namespace (<c>ip netns add NAME</c>, file <c>/var/run/netns/NAME</c>) on a dedicated
/// thread that enters it with setns and then ends, so no pooled thread is ever left in a foreign namespace. Sockets opened
/// there (TCP, raw, netlink) stay bound to that namespace and can be used from any thread afterwards.
/// </summary>
public static class NetNamespace
{
    public static T Run<T>(string name, Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle(Path.Combine("/var/run/netns", name), FileMode.Open, FileAccess.Read);
                int errno = Libc.SetNetNamespace(ns);
                if (errno != 0)
                {
                    // EPERM without CAP_SYS_ADMIN, EINVAL when the file is not a network namespace: nothing to retry.
                    throw new IOException($"cannot enter network namespace '{name}' (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)})");
                }
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "netns " + name,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    public static void Run(string name, Action work) => Run(name, () =>
    {
        work();
        return 0;
    });
}
