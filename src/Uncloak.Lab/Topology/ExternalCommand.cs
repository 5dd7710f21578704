using System.Text;
using Uncloak.Linux.Processes;

namespace Uncloak.Lab.Topology;

/// <summary>
/// Runs ip, nft and sysctl through the one external-command runner (<see cref="CommandRunner"/>), bounded in time. The child inherits the calling thread's
/// network namespace, but the lab always names the namespace explicitly (<c>ip -n</c>, <c>ip netns exec</c>).
/// </summary>
public static class ExternalCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs and returns stdout; a non-zero exit throws <see cref="LabException"/> with stderr when <paramref name="check"/>.</summary>
    public static string Run(string file, IEnumerable<string> args, bool check = true, string? stdin = null)
    {
        var (code, stdout, stderr) = RunRaw(file, args, stdin);
        if (check && code != 0)
        {
            throw new LabException($"{file} {string.Join(' ', args)} failed ({code}): {stderr.Trim()}");
        }
        return stdout;
    }

    public static (int Code, string Stdout, string Stderr) RunRaw(string file, IEnumerable<string> args, string? stdin = null)
    {
        var list = args.ToList();
        CommandResult r;
        try
        {
            r = CommandRunner.Run(file, list, Limit, stdin is null ? null : Encoding.UTF8.GetBytes(stdin));
        }
        catch (CommandException e)
        {
            throw new LabException($"{e.Message} (the lab needs iproute2 and nftables)", e);
        }
        if (r.TimedOut)
        {
            throw new LabException($"{file} {string.Join(' ', list)} did not finish in {Limit.TotalSeconds:0} s");
        }
        return (r.ExitCode, r.Output, r.Error);
    }

    /// <summary>ip with the given arguments.</summary>
    public static string Ip(params string[] args) => Run("ip", args);

    /// <summary>Runs <paramref name="file"/> inside namespace <paramref name="ns"/> (ip netns exec).</summary>
    public static string InNamespace(string ns, string file, IEnumerable<string> args, bool check = true, string? stdin = null)
        => Run("ip", ["netns", "exec", ns, file, .. args], check, stdin);

    /// <summary>Sets a sysctl inside <paramref name="ns"/> only (net.* sysctls are per namespace).</summary>
    public static void Sysctl(string ns, string key, string value) => InNamespace(ns, "sysctl", ["-qw", $"{key}={value}"]);

    /// <summary>Loads an nft script (one transaction) inside <paramref name="ns"/>.</summary>
    public static void Nft(string ns, string script) => InNamespace(ns, "nft", ["-f", "-"], stdin: script);
}
