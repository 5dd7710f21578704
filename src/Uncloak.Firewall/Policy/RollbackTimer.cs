using System.Diagnostics;
using System.Globalization;

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
        var psi = new ProcessStartInfo(setsid)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in uncloak)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var a in new[] { "firewall", "rollback", "--if-unconfirmed", token, "--after", ((long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "--state-dir", stateDir })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new FirewallException("could not start the rollback timer");
        // Its stdio are pipes nobody reads: close our ends; the timer writes only to rollback.log.
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();
        return process.Id;
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
