using Xunit;

namespace Uncloak.Integration.Tests.Cli.Commands.Audit;

/// <summary>
/// `uncloak audit --fix --yes` against the real kernel, inside a throw-away network namespace (net sysctls are per
/// namespace). The sysctl.d file goes into a temporary --root whose proc and sys are links to the real ones, so live
/// writes reach the namespace's /proc/sys while nothing is written under the real /etc.
/// </summary>
public sealed class AuditFixInNamespaceTests
{
    private static readonly string[] Keys =
    [
        "net/ipv4/tcp_syncookies",
        "net/core/somaxconn",
        "net/ipv4/tcp_max_syn_backlog",
        "net/ipv4/conf/all/accept_redirects",
        "net/ipv4/conf/default/accept_redirects",
    ];

    private static string HostValue(string key) => File.ReadAllText("/proc/sys/" + key).Trim();


    [RootFact]
    public void Fix_yes_changes_the_namespace_values_reads_them_back_and_leaves_the_host_alone()
    {
        var hostBefore = Keys.ToDictionary(k => k, HostValue);
        bool realConfExisted = File.Exists("/etc/sysctl.d/60-uncloak.conf");
        var root = Directory.CreateTempSubdirectory("uncloak-audit-root-").FullName;
        using var ns = NetworkNamespace.Create();
        try
        {
            Directory.CreateSymbolicLink(System.IO.Path.Combine(root, "proc"), "/proc");
            Directory.CreateSymbolicLink(System.IO.Path.Combine(root, "sys"), "/sys");
            // Make the namespace look like the incident host for these keys.
            var (setExit, _, setErr) = ns.Exec("sysctl", "-q", "-w", "net.ipv4.tcp_syncookies=0", "net.core.somaxconn=1024",
                "net.ipv4.tcp_max_syn_backlog=1024", "net.ipv4.conf.all.accept_redirects=1", "net.ipv4.conf.default.accept_redirects=1");
            Assert.True(setExit == 0, setErr);
            Assert.Equal("0", ns.Sysctl("net/ipv4/tcp_syncookies"));

            var (exit, output, err) = ns.Exec(UncloakProcess.Command("audit", "--fix", "--yes", "--root", root, "--only", "tcp.syncookies", "tcp.backlog", "ipv4.accept_redirects"));
            Assert.True(exit == 0, $"exit {exit}\n{output}\n{err}");

            // Changed in the namespace, as read back from outside the tool.
            Assert.Equal("1", ns.Sysctl("net/ipv4/tcp_syncookies"));
            Assert.Equal("4096", ns.Sysctl("net/core/somaxconn"));
            Assert.Equal("4096", ns.Sysctl("net/ipv4/tcp_max_syn_backlog"));
            Assert.Equal("0", ns.Sysctl("net/ipv4/conf/all/accept_redirects"));
            Assert.Equal("0", ns.Sysctl("net/ipv4/conf/default/accept_redirects"));
            Assert.Contains("ok      net.ipv4.tcp_syncookies = 1 (was 0)", output);

            // Persisted under the temporary root, not the real /etc.
            var conf = File.ReadAllLines(System.IO.Path.Combine(root, "etc", "sysctl.d", "60-uncloak.conf"));
            Assert.Contains("net.ipv4.tcp_syncookies = 1", conf);
            Assert.Contains("net.core.somaxconn = 4096", conf);
            Assert.Equal(realConfExisted, File.Exists("/etc/sysctl.d/60-uncloak.conf"));

            // The host's own values are untouched.
            Assert.Equal(hostBefore, Keys.ToDictionary(k => k, HostValue));

            // The printed undo command restores the namespace's previous values and removes the file.
            string undo = output.Split('\n').Single(l => l.StartsWith("Undo: ", StringComparison.Ordinal))["Undo: ".Length..];
            var (undoExit, _, undoErr) = ns.Exec("sh", "-c", undo);
            Assert.True(undoExit == 0, undoErr);
            Assert.Equal("0", ns.Sysctl("net/ipv4/tcp_syncookies"));
            Assert.Equal("1024", ns.Sysctl("net/core/somaxconn"));
            Assert.False(File.Exists(System.IO.Path.Combine(root, "etc", "sysctl.d", "60-uncloak.conf")));
            Assert.Equal(hostBefore, Keys.ToDictionary(k => k, HostValue));
        }
        finally
        {
            Directory.Delete(root, recursive: true); // removes the links, not what they point to
        }
    }

    [RootFact]
    public void Audit_inside_a_fresh_namespace_reads_that_namespace()
    {
        string hostBefore = HostValue("net/ipv4/tcp_syncookies");
        var root = Directory.CreateTempSubdirectory("uncloak-audit-root-").FullName;
        using var ns = NetworkNamespace.Create();
        try
        {
            Directory.CreateSymbolicLink(System.IO.Path.Combine(root, "proc"), "/proc");
            Directory.CreateSymbolicLink(System.IO.Path.Combine(root, "sys"), "/sys");
            ns.Exec("sysctl", "-q", "-w", "net.ipv4.tcp_syncookies=0");
            var (exit, output, _) = ns.Exec(UncloakProcess.Command("audit", "--root", root, "--json", "--only", "tcp.syncookies"));
            Assert.Equal(1, exit); // the failure is the namespace's, not the host's
            Assert.Contains("\"observed\": \"net.ipv4.tcp_syncookies=0\"", output);
            Assert.Equal(hostBefore, HostValue("net/ipv4/tcp_syncookies"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
