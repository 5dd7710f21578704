using System.Diagnostics;
using System.Globalization;
using Uncloak.Linux.Processes;

namespace Uncloak.Firewall.Policy;

/// <summary>
/// The process that rolls an unconfirmed apply back: <c>uncloak firewall rollback --if-unconfirmed TOKEN
/// --after SECONDS</c>, started in its own session (setsid) with no terminal and no inherited pipes, so it
/// survives the admin's SSH session dying — which is exactly the case it exists for.
/// </summary>
public static class RollbackTimer
{
    /// <summary>Starts the timer; <paramref name="uncloak"/> is how to run this program again (apphost, or dotnet + dll).</summary>
    public static int Start(IReadOnlyList<string> uncloak, string token, TimeSpan after, string stateDir)
    {
        string setsid = Tool.Locate("setsid") ?? throw new FirewallException("the rollback timer needs setsid (package util-linux)");
        RunningCommand process;
        try
        {
            process = CommandRunner.Start(setsid,
                [.. uncloak, "firewall", "rollback", "--if-unconfirmed", token, "--after", ((long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "--state-dir", stateDir],
                workingDirectory: "/");
        }
        catch (CommandException e)
        {
            throw new FirewallException("could not start the rollback timer: " + e.Message, e);
        }
        // Its stdio are pipes nobody reads: close our ends and let it run on; the timer writes only to rollback.log.
        process.Detach();
        int pid = process.Id;
        process.Dispose();
        return pid;
    }

    /// <summary>Stops the timer of <paramref name="token"/> if it still runs (checked by its command line, so a reused pid is never killed).</summary>
    public static bool Cancel(int pid, string token)
    {
        if (pid <= 0)
        {
            return false;
        }
        try
        {
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            if (!cmdline.Contains("--if-unconfirmed " + token, StringComparison.Ordinal))
            {
                return false;
            }
            using var p = Process.GetProcessById(pid);
            p.Kill();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return false; // already gone: it woke, found the apply confirmed, and exited
        }
    }
}
