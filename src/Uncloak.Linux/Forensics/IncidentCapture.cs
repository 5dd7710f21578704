using System.Runtime.ExceptionServices;
using System.Text;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Capture;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Sockets;
using Uncloak.Linux.Counters;
using Uncloak.Linux.Processes;
using Uncloak.Linux.Sockets;

namespace Uncloak.Linux.Forensics;

/// <summary>
/// Takes one phase of an incident from the live host: the socket table (sock_diag with tcp_info, as <c>ss -tinoe</c>
/// text) and the listeners' queues, the counters (<c>nstat -az</c> text from /proc/net/netstat and snmp), sockstat,
/// conntrack count/max and per-CPU stats, softnet_stat, the qdiscs with their statistics over rtnetlink (written as
/// <c>tc -s qdisc</c> text; <c>tc</c> itself only when the netlink dump fails, noted as a problem), and the tools' own
/// output for what has no cheap kernel reader here (<c>ip -s -s link</c>, <c>ip neigh</c>, <c>ip route</c>,
/// <c>ethtool -S</c> per interface).
/// Every file is in the format the dump parsers read, so a bundle is analysed like a forum post.
/// </summary>
/// <remarks>
/// It runs on a thread of its own, niced (<see cref="CaptureLimits.Nice"/>; the tools inherit it), inside the named
/// network namespace when one is given. A tool that is missing, fails or overruns its time is a problem listed with the
/// snapshot, never an exception: a capture of an outage must record what it can.
/// </remarks>
public sealed class IncidentCapture
{
    private readonly CaptureLimits _limits;
    private readonly TimeProvider _time;
    private readonly string? _namespace;

    /// <param name="limits">Bounds of one capture.</param>
    /// <param name="time">The clock stamping snapshots.</param>
    /// <param name="netns">A named network namespace (<c>/var/run/netns/NAME</c>) to capture instead of the caller's.</param>
    public IncidentCapture(CaptureLimits limits, TimeProvider? time = null, string? netns = null)
    {
        _limits = limits;
        _time = time ?? TimeProvider.System;
        _namespace = netns;
    }

    /// <summary>
    /// Captures <paramref name="phase"/> now. Without <paramref name="sockets"/> the socket table is skipped (a baseline
    /// needs the counters, not 100,000 sockets). Throws <see cref="IOException"/> only when the namespace cannot be entered.
    /// </summary>
    public PhaseSnapshot Snapshot(EvidencePhase phase, bool sockets)
    {
        PhaseSnapshot? result = null;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (_namespace is not null)
                {
                    Interop.Namespaces.EnterNetwork(Path.Combine("/var/run/netns", _namespace));
                }
                // Best effort: without the right to renice (never the case for root) the capture still runs.
                _ = Interop.Libc.SetPriority(Interop.Libc.PRIO_PROCESS, (uint)Interop.Libc.GetThreadId(), _limits.Nice);
                result = Take(phase, sockets);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "incident capture",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result!;
    }

    private PhaseSnapshot Take(EvidencePhase phase, bool sockets)
    {
        var time = _time.GetUtcNow().UtcDateTime;
        string folder = BundleLayout.Folder(phase) + "/";
        var files = new List<BundleFile>();
        var problems = new List<string>();
        void Add(string name, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > _limits.MaxToolBytes)
            {
                problems.Add($"{folder}{name}: {bytes.Length:N0} bytes, cut to {_limits.MaxToolBytes:N0}");
                bytes = bytes.AsSpan(0, _limits.MaxToolBytes).ToArray();
            }
            files.Add(new BundleFile(folder + name, bytes));
        }
        if (sockets)
        {
            // The socket table is bounded by CaptureLimits.MaxSockets, not by the tools' output limit: cut at 4 MB, a
            // 100,000-socket table kept 13,000 sockets and lost the proportions the rules need.
            CaptureSockets(Add, (name, bytes) => files.Add(new BundleFile(folder + name, bytes)), problems);
            // The sock_diag table (~27 MB for 100,000 sockets) is garbage once its text exists, but left to the GC it was
            // still resident while the recorder parsed that text again (141 MB at the peak; the issue asks < 100 MB).
            // One blocking collection per socket capture, a few milliseconds, hands it back first.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        }
        CaptureCounters(Add, problems);
        AddProcFile(Add, "sockstat.txt", ["sockstat", "sockstat6"]);
        AddProcFile(Add, "softnet_stat.txt", ["softnet_stat"]);
        AddConntrack(Add);
        string? links = Tool(Add, problems, "ip-link.txt", "ip", "-s", "-s", "link", "show");
        CaptureQdiscs(Add, problems);
        Tool(Add, problems, "neigh.txt", "ip", "neigh", "show");
        Tool(Add, problems, "route.txt", "ip", "route", "show", "table", "all");
        if (links is not null)
        {
            // Interface names from ip's own output: /sys/class/net shows the namespace sysfs was mounted in, not ours.
            var names = DumpReader.Read(Encoding.UTF8.GetBytes(links)).Links.Select(l => l.Name)
                .Where(n => n != "lo" && BundleLayout.CheckName("ethtool-" + n + ".txt") is null).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count > _limits.MaxInterfaces)
            {
                problems.Add($"{names.Count} interfaces; ethtool -S read for the first {_limits.MaxInterfaces}");
            }
            foreach (var name in names.Take(_limits.MaxInterfaces))
            {
                // Not every driver has statistics (veth has few, lo none): a refusal is noted, not a failure.
                Tool(Add, problems, "ethtool-" + name + ".txt", "ethtool", "-S", name);
            }
        }
        return new PhaseSnapshot(phase, time, files, problems);
    }

    private void CaptureSockets(Action<string, string> add, Action<string, byte[]> addTable, List<string> problems)
    {
        try
        {
            using var client = SockDiagClient.Open(_time);
            var table = client.Dump();
            // UTF-8 straight from the records in one exact-size array: ~30 MB for 100,000 sockets, held once.
            var ss = SsText.ToUtf8(table.Sockets, _limits.MaxSockets, out long left);
            if (left > 0)
            {
                problems.Add($"ss.txt: {table.Sockets.Count:N0} sockets, {left:N0} left out over the {_limits.MaxSockets:N0} limit");
            }
            addTable("ss.txt", ss);
            add("listeners.txt", ListenerQueues.Describe(table.Sockets));
        }
        catch (SockDiagException e)
        {
            problems.Add("socket table: " + e.Message);
        }
    }

    /// <summary>
    /// tc.txt from an RTM_GETQDISC dump, in tc's text so every bundle reads alike; when rtnetlink fails, from
    /// <c>tc -s qdisc show</c>, with the reason noted so the bundle says which one wrote the file.
    /// </summary>
    private void CaptureQdiscs(Action<string, string> add, List<string> problems)
    {
        try
        {
            using var client = Routing.RouteClient.Open();
            var skipped = new List<string>();
            var qdiscs = client.Qdiscs(skipped);
            problems.AddRange(skipped.Select(p => "tc.txt: " + p));
            var text = new StringWriter();
            TcQdiscText.Write(text, qdiscs);
            add("tc.txt", text.ToString());
            return;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            problems.Add($"tc.txt: rtnetlink qdisc dump failed ({e.Message}); read with tc -s qdisc show instead");
        }
        Tool(add, problems, "tc.txt", "tc", "-s", "qdisc", "show");
    }

    private void CaptureCounters(Action<string, string> add, List<string> problems)
    {
        try
        {
            var snapshot = new CounterReader(procNet: "/proc/thread-self/net", time: _time).Read();
            var text = new StringWriter();
            NstatText.Write(text, snapshot.Values);
            add("nstat.txt", text.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add("counters: " + e.Message);
        }
    }

    /// <summary>Copies /proc/thread-self/net files as they are (with a <c>== name ==</c> line before each), for the reader and for people.</summary>
    private static void AddProcFile(Action<string, string> add, string name, string[] sources)
    {
        var text = new StringBuilder();
        foreach (var source in sources)
        {
            if (TryReadText("/proc/thread-self/net/" + source) is { } content)
            {
                text.Append("== /proc/net/").Append(source).Append(" ==\n").Append(content);
            }
        }
        if (text.Length > 0)
        {
            add(name, text.ToString());
        }
    }

    /// <summary>nf_conntrack count and max (absent without the module), and its per-CPU statistics (drops, early drops, insert failures).</summary>
    private static void AddConntrack(Action<string, string> add)
    {
        var text = new StringBuilder();
        foreach (var name in (string[])["nf_conntrack_count", "nf_conntrack_max"])
        {
            if (TryReadText("/proc/sys/net/netfilter/" + name) is { } value)
            {
                text.Append(name).Append(' ').Append(value.Trim()).Append('\n');
            }
        }
        if (TryReadText("/proc/thread-self/net/stat/nf_conntrack") is { } stat)
        {
            text.Append("== /proc/net/stat/nf_conntrack ==\n").Append(stat);
        }
        if (text.Length > 0)
        {
            add("conntrack.txt", text.ToString());
        }
    }

    private static string? TryReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // optional: no IPv6, no conntrack module, a kernel without the file
        }
    }

    /// <summary>Runs a tool and adds its output; returns the output, or null (with the problem noted) when there is none.</summary>
    private string? Tool(Action<string, string> add, List<string> problems, string file, string program, params string[] args)
    {
        string command = program + " " + string.Join(' ', args);
        try
        {
            var result = CommandRunner.Run(program, args, _limits.ToolTimeout);
            if (result.TimedOut)
            {
                problems.Add($"{command}: no answer within {_limits.ToolTimeout.TotalSeconds:0.#} s");
                return null;
            }
            if (!result.Ok)
            {
                problems.Add($"{command}: exit {result.ExitCode}: {result.Error.Trim()}");
                return null;
            }
            add(file, result.Output);
            return result.Output;
        }
        catch (CommandException e)
        {
            problems.Add($"{command}: {e.Message}");
            return null;
        }
    }
}
