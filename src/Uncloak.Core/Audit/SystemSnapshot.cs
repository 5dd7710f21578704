using System.Globalization;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Audit;

/// <summary>
/// Everything the audit looks at, read once from a host (or a fixture tree) by the readers in Uncloak.Linux.
/// Pure data: checks evaluate it without touching the system, so a snapshot taken on one machine can be
/// judged anywhere and tests can build one from files.
/// </summary>
public sealed record SystemSnapshot
{
    /// <summary>`/proc/sys/kernel/osrelease`, e.g. "6.18.44-fc-v657"; null when unreadable.</summary>
    public string? KernelRelease { get; init; }

    /// <summary>Sysctls by dotted name ("net.ipv4.tcp_syncookies", "net.ipv4.conf.eth0.rp_filter"), values as the kernel prints them (tabs kept).</summary>
    public IReadOnlyDictionary<string, string> Sysctls { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Network interfaces from /sys/class/net, sorted by name.</summary>
    public IReadOnlyList<InterfaceSnapshot> Interfaces { get; init; } = [];

    /// <summary>Every qdisc with its options and statistics, as <c>tc -s qdisc show</c> prints them.</summary>
    public IReadOnlyList<QdiscStats> Qdiscs { get; init; } = [];

    /// <summary>Whether the qdiscs could be read at all (an empty list then means "none").</summary>
    public bool QdiscsKnown { get; init; }

    /// <summary>Why the qdiscs could not be read (tc missing, failed); null when read or not attempted.</summary>
    public string? QdiscProblem { get; init; }

    /// <summary>The qdiscs of the earlier reading when the audit sampled (<c>--sample</c>); null for a single reading.</summary>
    public IReadOnlyList<QdiscStats>? QdiscsBefore { get; init; }

    /// <summary>The time between the two readings of a sampled audit; null for a single reading.</summary>
    public TimeSpan? SampleInterval { get; init; }

    /// <summary>TCP sockets in LISTEN state (IPv4 and IPv6).</summary>
    public IReadOnlyList<ListenerSnapshot> Listeners { get; init; } = [];

    /// <summary>Whether the listener table could be read at all (an empty list then means "no listeners").</summary>
    public bool ListenersKnown { get; init; }

    /// <summary>`/proc/net/sockstat` TCP line; null when unreadable.</summary>
    public TcpSocketStats? TcpSockets { get; init; }

    /// <summary>conntrack count/max/buckets; null when the module is not loaded (no nf_conntrack sysctls).</summary>
    public ConntrackState? Conntrack { get; init; }

    /// <summary>`MemTotal` from /proc/meminfo in bytes; null when unreadable.</summary>
    public long? MemoryTotalBytes { get; init; }

    /// <summary>The page size tcp_mem and sockstat "mem" are counted in.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>`/proc/sys/kernel/random/entropy_avail`; null when unreadable.</summary>
    public int? EntropyAvailable { get; init; }

    /// <summary>Dynamic debug: whether the control file exists and the state of the tcp_timer.c call sites.</summary>
    public DynamicDebugState DynamicDebug { get; init; } = DynamicDebugState.Absent;

    /// <summary>The kernel release as a version (major.minor.patch), or null if it does not start with one.</summary>
    public Version? KernelVersion => ParseKernelVersion(KernelRelease);

    /// <summary>A sysctl as a whole number; null when absent or not a number.</summary>
    public long? Int(string key) =>
        Sysctls.TryGetValue(key, out var v) && long.TryParse(v.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>A multi-value sysctl (tcp_mem, ip_local_port_range) as numbers; null when absent or malformed.</summary>
    public long[]? Ints(string key)
    {
        if (!Sysctls.TryGetValue(key, out var v))
        {
            return null;
        }
        var parts = v.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        var result = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]))
            {
                return null;
            }
        }
        return result;
    }

    /// <summary>"6.18.44-fc-v657" → 6.18.44; "5.10.0-28-amd64" → 5.10.0; "3.2" → 3.2.0.</summary>
    public static Version? ParseKernelVersion(string? release)
    {
        if (string.IsNullOrWhiteSpace(release))
        {
            return null;
        }
        Span<int> parts = stackalloc int[3];
        int count = 0, i = 0;
        var s = release.AsSpan().Trim();
        while (count < 3 && i < s.Length && char.IsAsciiDigit(s[i]))
        {
            int n = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                n = checked(n * 10 + (s[i] - '0'));
                i++;
            }
            parts[count++] = n;
            if (i < s.Length && s[i] == '.')
            {
                i++;
            }
            else
            {
                break;
            }
        }
        return count >= 2 ? new Version(parts[0], parts[1], count == 3 ? parts[2] : 0) : null;
    }
}
