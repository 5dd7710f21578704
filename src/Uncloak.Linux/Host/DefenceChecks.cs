using System.Globalization;
using Uncloak.Core.Decisions;

namespace Uncloak.Linux.Host;

/// <summary>
/// The read-only host checks a profile can ask for with an alert (SYN floods: are SYN cookies on, is the backlog big
/// enough?). Reads sysctls under a root path so tests can point it at a fake tree.
/// </summary>
public static class DefenceChecks
{
    public static (bool Ok, string Finding) Run(HostCheck check, string root = "/")
    {
        return check switch
        {
            HostCheck.SynCookies => SynCookies(root),
            _ => Backlog(root),
        };
    }

    private static (bool, string) SynCookies(string root)
    {
        if (Read(root, "proc/sys/net/ipv4/tcp_syncookies") is not { } v)
        {
            return (false, "net.ipv4.tcp_syncookies: unreadable");
        }
        return v switch
        {
            1 => (true, "net.ipv4.tcp_syncookies=1: SYN cookies answer when the SYN queue overflows (good)"),
            2 => (true, "net.ipv4.tcp_syncookies=2: SYN cookies always (works, but loses TCP options for every client)"),
            _ => (false, "net.ipv4.tcp_syncookies=0: SYN cookies are OFF, a SYN flood will drop real clients: sysctl -w net.ipv4.tcp_syncookies=1"),
        };
    }

    private static (bool, string) Backlog(string root)
    {
        var syn = Read(root, "proc/sys/net/ipv4/tcp_max_syn_backlog");
        var somax = Read(root, "proc/sys/net/core/somaxconn");
        if (syn is null || somax is null)
        {
            return (false, "net.ipv4.tcp_max_syn_backlog / net.core.somaxconn: unreadable");
        }
        bool ok = syn >= 1024 && somax >= 1024;
        return (ok, string.Create(CultureInfo.InvariantCulture,
            $"net.ipv4.tcp_max_syn_backlog={syn}, net.core.somaxconn={somax}: {(ok ? "large enough for a public server" : "small for a public server under a flood: raise both to 4096 or more (and the listener's own backlog)")}"));
    }

    private static long? Read(string root, string relative)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(root, relative)).Trim();
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
