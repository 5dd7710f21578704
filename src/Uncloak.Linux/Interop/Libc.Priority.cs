using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>setpriority(2) on one thread: an incident capture runs niced so it cannot make the outage it records worse.</summary>
internal static partial class Libc
{
    internal const int PRIO_PROCESS = 0;

    /// <summary>On Linux a thread id with PRIO_PROCESS sets that thread's nice value alone; the programs it starts inherit it.</summary>
    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int SetPriority(int which, uint who, int priority);

    /// <summary>Never fails.</summary>
    [LibraryImport("libc", EntryPoint = "gettid")]
    internal static partial int GetThreadId();
}
