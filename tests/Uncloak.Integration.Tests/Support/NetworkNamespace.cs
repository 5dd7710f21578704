using System.Diagnostics;
using System.Text.Json;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A throw-away network namespace (`ip netns add`) for tests that change network settings: everything done inside
/// it stays inside it, and Dispose deletes it even when the test failed. Names carry a fixed prefix and the creating
/// process id, so the next run removes leftovers of an aborted one without touching those of a run still going
/// (several engineers may run the suite on one machine). Never touches the host's interfaces, routes, sysctls or firewall.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    public const string Prefix = "uncloak-audit-t-";

    public string Name { get; }

    /// <summary>The nsfs file for setns().</summary>
    public string Path => "/run/netns/" + Name;

    private NetworkNamespace(string name) => Name = name;

    public static NetworkNamespace Create() => Create(Prefix);

    /// <summary>A namespace named <paramref name="prefix"/>PID-RANDOM (each area its own prefix, e.g. <c>uweb-</c>).</summary>
    public static NetworkNamespace Create(string prefix)
    {
        RemoveLeftovers(prefix);
        var ns = new NetworkNamespace($"{prefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Run("ip", "netns", "add", ns.Name);
        return ns;
    }

    /// <summary>Runs a program inside the namespace (`ip netns exec NAME …`) and returns its exit code and output.</summary>
    public (int Exit, string Out, string Err) Exec(params string[] command) => Capture(["ip", "netns", "exec", Name, .. command]);

    /// <summary>Reads a sysctl as the namespace sees it.</summary>
    public string Sysctl(string procPath) => Exec("cat", "/proc/sys/" + procPath) is { Exit: 0 } r
        ? r.Out.Trim()
        : throw new InvalidOperationException($"cannot read {procPath} in {Name}");

    /// <summary>`ip -n NAME -j link show DEV` → ifindex.</summary>
    public int IfIndex(string device)
    {
        var (exit, output, err) = Capture(["ip", "-n", Name, "-j", "link", "show", device]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip link show {device}: {err}");
        }
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement[0].GetProperty("ifindex").GetInt32();
    }

    public void Dispose() => Capture(["ip", "netns", "del", Name]);

    /// <summary>Deletes namespaces an earlier, aborted run left behind: our prefix, and a creator process that no longer exists.</summary>
    public static void RemoveLeftovers() => RemoveLeftovers(Prefix);

    /// <summary>As <see cref="RemoveLeftovers()"/>, for namespaces named with <paramref name="prefix"/>.</summary>
    public static void RemoveLeftovers(string prefix)
    {
        var (_, output, _) = Capture(["ip", "-j", "netns", "list"]);
        if (string.IsNullOrWhiteSpace(output))
        {
            return;
        }
        using var doc = JsonDocument.Parse(output);
        foreach (var ns in doc.RootElement.EnumerateArray())
        {
            if (ns.GetProperty("name").GetString() is { } name && name.StartsWith(prefix, StringComparison.Ordinal) &&
                CreatorGone(name[prefix.Length..]))
            {
                Capture(["ip", "netns", "del", name]);
            }
        }
    }

    /// <summary>"PID-RANDOM" → whether process PID is gone (names of other shapes are left alone).</summary>
    private static bool CreatorGone(string rest)
    {
        int dash = rest.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && int.TryParse(rest.AsSpan(0, dash), out int pid) && !Directory.Exists($"/proc/{pid}");
    }

    public static void Run(params string[] command)
    {
        var (exit, output, err) = Capture(command);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({exit}): {err}{output}");
        }
    }

    public static (int Exit, string Out, string Err) Capture(string[] command)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in command.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException(string.Join(' ', command));
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs <paramref name="work"/> on a dedicated thread that has entered this namespace (setns affects only that thread, which then exits).</summary>
    public T OnThreadInside<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Uncloak.Linux.Interop.Namespaces.EnterNetwork(Path);
                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("work inside the namespace failed", failure);
        }
        return result;
    }
}
