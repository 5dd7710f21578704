using System.Runtime.ExceptionServices;

namespace Uncloak.Linux.Namespaces;

/// <summary>
/// Runs code inside a named network namespace (<c>ip netns add NAME</c>, file <c>/var/run/netns/NAME</c>) on a dedicated
/// thread that enters it with setns and then ends, so no pooled thread is ever left in a foreign namespace. Sockets opened
/// there (TCP, raw, netlink) stay bound to that namespace and can be used from any thread afterwards.
/// </summary>
public static class NetNamespace
{
    /// <summary>Runs <paramref name="work"/> inside the named namespace; its exceptions (and setns's <see cref="IOException"/>) are rethrown here.</summary>
    public static T Run<T>(string name, Func<T> work) => OnThread("netns " + name, () => Interop.Namespaces.EnterNetwork(Path.Combine("/var/run/netns", name)), work);

    /// <summary>
    /// Runs <paramref name="work"/> inside a new, empty network namespace that disappears with the thread (a scratch
    /// kernel to try a ruleset in). Throws <see cref="IOException"/> when the namespace cannot be made (not root).
    /// </summary>
    public static T RunInNew<T>(Func<T> work) => OnThread("netns (scratch)", Interop.Namespaces.EnterNewNetwork, work);

    private static T OnThread<T>(string threadName, Action enter, Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                enter(); // throws IOException with the errno's text
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = threadName,
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
