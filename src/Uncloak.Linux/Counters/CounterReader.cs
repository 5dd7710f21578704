using Uncloak.Core.Counters;

namespace Uncloak.Linux.Counters;

/// <summary>
/// Reads the network counter files into a <see cref="CounterSnapshot"/>. Paths hang off a root (default <c>/</c>) so tests
/// read fixture trees. A missing file (no conntrack module, no IPv6) leaves its counters absent; it is not an error.
/// </summary>
public sealed class CounterReader
{
    private readonly string _procNet;
    private readonly string _netfilter;
    private readonly TimeProvider _time;

    /// <param name="root">Where <c>proc/</c> lives: <c>/</c> on the host, a fixture directory in tests.</param>
    /// <param name="procNet">
    /// Overrides <c>{root}/proc/net</c>. <c>/proc/net</c> shows the namespace of the process's main thread; a thread that
    /// entered another namespace with setns reads its own through <c>/proc/thread-self/net</c>.
    /// </param>
    /// <param name="time">The clock stamping snapshots (a fake one in tests).</param>
    public CounterReader(string root = "/", string? procNet = null, TimeProvider? time = null)
    {
        _procNet = procNet ?? Path.Combine(root, "proc", "net");
        _netfilter = Path.Combine(root, "proc", "sys", "net", "netfilter");
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Reads every file now. Throws <see cref="IOException"/> only when /proc/net/netstat itself cannot be read.</summary>
    public CounterSnapshot Read()
    {
        var values = new Dictionary<string, long>(512, StringComparer.Ordinal);
        DateTime time = _time.GetUtcNow().UtcDateTime;
        int malformed = ProcNetParser.ParseHeaderValuePairs(File.ReadAllBytes(Path.Combine(_procNet, "netstat")), values);
        if (TryRead(Path.Combine(_procNet, "snmp"), out var snmp))
        {
            malformed += ProcNetParser.ParseHeaderValuePairs(snmp, values);
        }
        if (TryRead(Path.Combine(_procNet, "sockstat"), out var sockstat))
        {
            malformed += ProcNetParser.ParseSockstat(sockstat, "Sockstat", values);
        }
        if (TryRead(Path.Combine(_procNet, "sockstat6"), out var sockstat6))
        {
            malformed += ProcNetParser.ParseSockstat(sockstat6, "Sockstat6", values);
        }
        ReadSingle(Path.Combine(_netfilter, "nf_conntrack_count"), "Conntrack.count", values, ref malformed);
        ReadSingle(Path.Combine(_netfilter, "nf_conntrack_max"), "Conntrack.max", values, ref malformed);
        return new CounterSnapshot(time, values, malformed);
    }

    private static void ReadSingle(string path, string name, Dictionary<string, long> values, ref int malformed)
    {
        if (!TryRead(path, out var bytes))
        {
            return;
        }
        if (ProcNetParser.TryParseSingle(bytes, out long v))
        {
            values[name] = v;
        }
        else
        {
            malformed++;
        }
    }

    private static bool TryRead(string path, out byte[] bytes)
    {
        try
        {
            bytes = File.ReadAllBytes(path);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Optional files: sockstat6 without IPv6, nf_conntrack_* without the conntrack module loaded.
            bytes = [];
            return false;
        }
    }
}
