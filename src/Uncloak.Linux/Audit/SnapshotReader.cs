using System.Globalization;
using System.Net;
using System.Text.Json;
using Uncloak.Core.Audit;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Audit;

/// <summary>
/// Reads a <see cref="SystemSnapshot"/> from a root directory: "/" for this host, or a tree shaped like it
/// (ROOT/proc/sys, ROOT/proc/net, ROOT/sys/class/net, ROOT/ethtool/*.json, ROOT/tc/qdisc.txt) for fixtures and copied snapshots.
/// Unreadable parts become nulls in the snapshot, never exceptions: the checks then say they could not judge.
/// </summary>
public sealed class SnapshotReader
{
    /// <summary>Paravirtual NIC drivers: they have a device in sysfs but no cable, PHY or switch port behind them.</summary>
    private static readonly HashSet<string> VirtualDrivers = new(StringComparer.Ordinal)
    {
        "virtio_net", "vmxnet3", "xen-netfront", "vif", "hv_netvsc", "netvsc", "ena", "gve", "veth",
    };

    private readonly string _root;
    private readonly IEthtoolSource? _ethtool;

    /// <param name="root">The root directory; "/" reads this host.</param>
    /// <param name="ethtool">Ethtool data source; by default the live ioctl for "/", fixture files otherwise.</param>
    public SnapshotReader(string root = "/", IEthtoolSource? ethtool = null)
    {
        _root = Path.GetFullPath(root);
        _ethtool = ethtool ?? (IsHostRoot ? new EthtoolIoctl() : new EthtoolFixture(_root));
    }

    /// <summary>True when reading this host itself (so live kernel interfaces such as ioctls apply).</summary>
    public bool IsHostRoot => _root == "/";

    /// <summary>Files under proc/sys/net that exist but could not be read (write-only ones such as route/flush, EIO ones such as stable_secret).</summary>
    public int UnreadableSysctls { get; private set; }

    public string PathOf(string relative) => Path.Combine(_root, relative.TrimStart('/'));

    /// <summary>Reads the snapshot. Throws <see cref="InvalidDataException"/> naming the file when a fixture file under the root is malformed.</summary>
    public SystemSnapshot Read()
    {
        var sysctls = ReadSysctls();
        var (listeners, listenersKnown) = ReadListeners();
        var (qdiscs, qdiscProblem) = ReadQdiscs();
        return new SystemSnapshot
        {
            Qdiscs = qdiscs ?? [],
            QdiscsKnown = qdiscs is not null,
            QdiscProblem = qdiscProblem,
            KernelRelease = ReadText("proc/sys/kernel/osrelease")?.Trim(),
            Sysctls = sysctls,
            Interfaces = ReadInterfaces(),
            Listeners = listeners,
            ListenersKnown = listenersKnown,
            TcpSockets = ReadSockStat(),
            Conntrack = ReadConntrack(sysctls) is { } ct ? ct with { Drops = ReadConntrackStat("drop"), EarlyDrops = ReadConntrackStat("early_drop") } : null,
            MemoryTotalBytes = ReadMemTotal(),
            // Fixture trees are taken to come from a 4 KiB-page host; live reads use the real page size.
            PageSize = IsHostRoot ? Environment.SystemPageSize : 4096,
            EntropyAvailable = ReadText("proc/sys/kernel/random/entropy_avail") is { } e && int.TryParse(e.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null,
            DynamicDebug = ReadDynamicDebug(),
        };
    }

    /// <summary>Every readable file under proc/sys/net, keyed by dotted name.</summary>
    public SortedDictionary<string, string> ReadSysctls()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var procSys = PathOf("proc/sys");
        var net = Path.Combine(procSys, "net");
        if (!Directory.Exists(net))
        {
            return result;
        }
        UnreadableSysctls = 0;
        foreach (var file in Directory.EnumerateFiles(net, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            var rel = Path.GetRelativePath(procSys, file);
            try
            {
                result[rel.Replace('/', '.')] = File.ReadAllText(file).TrimEnd('\n');
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // Write-only sysctls (EACCES even for root) and ones whose read fails by design (EIO): not settings we judge.
                UnreadableSysctls++;
            }
        }
        return result;
    }

    private string? ReadText(string relative)
    {
        try
        {
            return File.ReadAllText(PathOf(relative));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // Absent on this kernel or in this fixture, or not readable by this user: the snapshot records "unknown".
            return null;
        }
    }

    private long? ReadLong(string relative) =>
        ReadText(relative) is { } t && long.TryParse(t.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    private List<InterfaceSnapshot> ReadInterfaces()
    {
        var dir = PathOf("sys/class/net");
        var result = new List<InterfaceSnapshot>();
        if (!Directory.Exists(dir))
        {
            return result;
        }
        foreach (var name in Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (name is null || !Directory.Exists(Path.Combine(dir, name)))
            {
                continue; // bonding_masters and other plain files
            }
            string rel = $"sys/class/net/{name}";
            var stats = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var statsDir = PathOf(rel + "/statistics");
            if (Directory.Exists(statsDir))
            {
                foreach (var f in Directory.EnumerateFiles(statsDir))
                {
                    if (ReadLong($"{rel}/statistics/{Path.GetFileName(f)}") is { } v)
                    {
                        stats[Path.GetFileName(f)] = v;
                    }
                }
            }
            bool hasDevice = Directory.Exists(PathOf(rel + "/device"));
            string? sysfsDriver = DriverOf(rel);
            var ethtool = _ethtool?.Query(name);
            string? driver = ethtool?.Driver ?? sysfsDriver;
            long type = ReadLong(rel + "/type") ?? 1;
            int? speed = ReadLong(rel + "/speed") is { } s && s > 0 && s < int.MaxValue ? (int)s : null;
            result.Add(new InterfaceSnapshot
            {
                Name = name,
                IsLoopback = type == 772, // ARPHRD_LOOPBACK
                IsPhysical = hasDevice && (driver is null || !VirtualDrivers.Contains(driver)),
                OperState = ReadText(rel + "/operstate")?.Trim(),
                SpeedMbps = speed,
                Duplex = ReadText(rel + "/duplex")?.Trim() switch { "full" => Duplex.Full, "half" => Duplex.Half, _ => Duplex.Unknown },
                Mtu = ReadLong(rel + "/mtu") is { } m ? (int)m : null,
                CarrierChanges = ReadLong(rel + "/carrier_changes"),
                CarrierUpCount = ReadLong(rel + "/carrier_up_count"),
                CarrierDownCount = ReadLong(rel + "/carrier_down_count"),
                Statistics = stats,
                Ethtool = ethtool,
            });
        }
        return result;
    }

    /// <summary>The driver's name from sysfs (device/driver links to /sys/bus/*/drivers/NAME); a fixture may hold a plain `device/driver_name` file instead.</summary>
    private string? DriverOf(string rel)
    {
        var link = PathOf(rel + "/device/driver");
        try
        {
            if (new DirectoryInfo(link).LinkTarget is { } target)
            {
                return Path.GetFileName(target.TrimEnd('/'));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No driver bound, or not a link: fall through to the fixture form.
        }
        return ReadText(rel + "/device/driver_name")?.Trim();
    }

    /// <summary>
    /// Listeners with their backlogs. Live: NETLINK_SOCK_DIAG (the only interface that reports the effective backlog;
    /// /proc/net/tcp prints 0 there). Fixture trees: ROOT/sock_diag/listeners.json,
    /// [{"address": "0.0.0.0", "port": 80, "backlog": 16, "accept_queue": 0}, …].
    /// </summary>
    private (List<ListenerSnapshot>, bool) ReadListeners()
    {
        var result = new List<ListenerSnapshot>();
        if (IsHostRoot)
        {
            try
            {
                // For a LISTEN socket inet_diag reports the accept queue as rqueue and the effective backlog as wqueue.
                using var client = Sockets.SockDiagClient.Open();
                var table = client.Dump(Core.Sockets.TcpStates.Bit(Core.Sockets.TcpState.Listen), withInfo: false);
                result.AddRange(table.Sockets.Select(l => new ListenerSnapshot(l.Id.Local.ToIPAddress(), l.Id.LocalPort, (int)Math.Min(l.WQueue, int.MaxValue), (int)Math.Min(l.RQueue, int.MaxValue))));
            }
            catch (Exception e) when (e is IOException or Sockets.SockDiagException)
            {
                // No sock_diag here (module missing, policy): the listener checks say they could not judge.
                return ([], false);
            }
        }
        else
        {
            var path = PathOf("sock_diag/listeners.json");
            if (!File.Exists(path))
            {
                return ([], false);
            }
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                foreach (var e in doc.RootElement.EnumerateArray())
                {
                    result.Add(new ListenerSnapshot(IPAddress.Parse(e.GetProperty("address").GetString()!), e.GetProperty("port").GetInt32(),
                        e.GetProperty("backlog").GetInt32(), e.TryGetProperty("accept_queue", out var q) ? q.GetInt32() : 0));
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentNullException)
            {
                // A hand-made or copied snapshot: malformed input is the user's to fix, reported with the file.
                throw new InvalidDataException($"{path}: {ex.Message}", ex);
            }
        }
        return (result.OrderBy(l => l.Port).ThenBy(l => l.ToString(), StringComparer.Ordinal).ToList(), true);
    }

    /// <summary>
    /// The qdiscs with their statistics: live, an rtnetlink RTM_GETQDISC dump in the caller's network namespace (as the
    /// capture reads them), and <c>tc -s qdisc show</c> (an argument array) only when that dump fails; fixture trees,
    /// ROOT/tc/qdisc.txt in tc's text. Null with the reason when there is no reading; lines tc printed that the parser
    /// does not know are ignored.
    /// </summary>
    private (List<QdiscStats>?, string?) ReadQdiscs()
    {
        string text;
        if (IsHostRoot)
        {
            string netlinkFailure;
            try
            {
                using var client = Routing.RouteClient.Open();
                return (client.Qdiscs(), null);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                // A kernel or policy refusing rtnetlink (or a dump that never ends): tc may still answer.
                netlinkFailure = "rtnetlink qdisc dump: " + e.Message + "; ";
            }
            try
            {
                var result = Processes.CommandRunner.Run("tc", ["-s", "qdisc", "show"], TimeSpan.FromSeconds(5));
                if (!result.Ok)
                {
                    return (null, netlinkFailure + (result.TimedOut ? "tc -s qdisc show: no answer within 5 s" : $"tc -s qdisc show: exit {result.ExitCode}: {result.Error.Trim()}"));
                }
                text = result.Output;
            }
            catch (Processes.CommandException e)
            {
                // iproute2 not installed: the shaper checks say they could not judge.
                return (null, netlinkFailure + "tc -s qdisc show: " + e.Message);
            }
        }
        else if (ReadText("tc/qdisc.txt") is { } fixture)
        {
            text = fixture;
        }
        else
        {
            return (null, null);
        }
        return (DumpReader.Read(System.Text.Encoding.UTF8.GetBytes(text)).Qdiscs, null);
    }

    private TcpSocketStats? ReadSockStat()
    {
        if (ReadText("proc/net/sockstat") is not { } text)
        {
            return null;
        }
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("TCP: ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Get(string name)
        {
            int i = Array.IndexOf(f, name);
            return i > 0 && i + 1 < f.Length && long.TryParse(f[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        return new TcpSocketStats(Get("inuse"), Get("orphan"), Get("tw"), Get("alloc"), Get("mem"));
    }

    private static ConntrackState? ReadConntrack(IReadOnlyDictionary<string, string> sysctls)
    {
        static long? Num(IReadOnlyDictionary<string, string> s, string k) =>
            s.TryGetValue(k, out var v) && long.TryParse(v.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        return Num(sysctls, "net.netfilter.nf_conntrack_max") is { } max
            ? new ConntrackState(Num(sysctls, "net.netfilter.nf_conntrack_count") ?? 0, max, Num(sysctls, "net.netfilter.nf_conntrack_buckets"))
            : null;
    }

    /// <summary>
    /// A column of /proc/net/stat/nf_conntrack summed over the per-CPU rows (hex). Columns are mapped by the header
    /// line because the set changes between kernel versions. Null when the file or the column is missing.
    /// </summary>
    private long? ReadConntrackStat(string column)
    {
        if (ReadText("proc/net/stat/nf_conntrack") is not { } text)
        {
            return null;
        }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return null;
        }
        int index = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), column);
        if (index < 0)
        {
            return null;
        }
        long sum = 0;
        foreach (var row in lines.Skip(1))
        {
            var f = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (index < f.Length && long.TryParse(f[index], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            {
                sum += v;
            }
        }
        return sum;
    }

    private long? ReadMemTotal()
    {
        var line = ReadText("proc/meminfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }

    private DynamicDebugState ReadDynamicDebug()
    {
        bool? built = ReadKernelConfigFlag("CONFIG_DYNAMIC_DEBUG", out var source);
        foreach (var rel in new[] { "proc/dynamic_debug/control", "sys/kernel/debug/dynamic_debug/control" })
        {
            if (ReadText(rel) is not { } text)
            {
                continue;
            }
            var sites = new List<DynamicDebugSite>();
            foreach (var line in text.Split('\n'))
            {
                if (TryParseDynamicDebugSite(line, out var site))
                {
                    sites.Add(site);
                }
            }
            return new DynamicDebugState("/" + rel, sites) { Built = built, ConfigSource = source };
        }
        return DynamicDebugState.Absent with { Built = built, ConfigSource = source };
    }

    /// <summary>
    /// A boolean option of the running kernel's build config: /proc/config.gz (CONFIG_IKCONFIG_PROC) first, then
    /// /boot/config-RELEASE. True for "=y", false for "# … is not set", null when neither file says.
    /// </summary>
    private bool? ReadKernelConfigFlag(string option, out string? source)
    {
        source = null;
        string? text = null;
        var gz = PathOf("proc/config.gz");
        try
        {
            if (File.Exists(gz))
            {
                using var file = File.OpenRead(gz);
                using var unzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
                using var reader = new StreamReader(unzip);
                text = reader.ReadToEnd();
                source = "/proc/config.gz";
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Unreadable or not gzip: fall back to /boot.
            text = null;
        }
        if (text is null && ReadText("proc/sys/kernel/osrelease")?.Trim() is { Length: > 0 } release && ReadText($"boot/config-{release}") is { } boot)
        {
            text = boot;
            source = $"/boot/config-{release}";
        }
        if (text is null)
        {
            return null;
        }
        foreach (var line in text.Split('\n'))
        {
            if (line == option + "=y")
            {
                return true;
            }
            if (line == $"# {option} is not set")
            {
                return false;
            }
        }
        return null;
    }

    /// <summary>A control-file line for net/ipv4/tcp_timer.c: `net/ipv4/tcp_timer.c:NNN [tcp_timer]FUNC =FLAGS "FORMAT"`.</summary>
    internal static bool TryParseDynamicDebugSite(string line, out DynamicDebugSite site)
    {
        site = null!;
        const string file = "net/ipv4/tcp_timer.c:";
        if (!line.StartsWith(file, StringComparison.Ordinal))
        {
            return false;
        }
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !int.TryParse(line.AsSpan(file.Length, space - file.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int lineNo))
        {
            return false;
        }
        var rest = line[(space + 1)..];
        int close = rest.IndexOf(']', StringComparison.Ordinal);
        int sp2 = rest.IndexOf(' ', StringComparison.Ordinal);
        if (close < 0 || sp2 < close)
        {
            return false;
        }
        string function = rest[(close + 1)..sp2];
        var after = rest[(sp2 + 1)..];
        if (!after.StartsWith('='))
        {
            return false;
        }
        int sp3 = after.IndexOf(' ', StringComparison.Ordinal);
        string flags = sp3 < 0 ? after[1..] : after[1..sp3];
        string format = sp3 < 0 ? "" : after[(sp3 + 1)..].Trim().Trim('"');
        site = new DynamicDebugSite(lineNo, function, flags.Contains('p'), format);
        return true;
    }
}
