using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>kill(2): sends a process a signal other than SIGKILL (which is all <c>Process.Kill</c> can send).</summary>
internal static partial class Libc
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
