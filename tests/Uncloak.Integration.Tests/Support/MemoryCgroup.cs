using System.Globalization;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A memory cgroup of the test's own with a hard limit, as systemd's <c>MemoryMax=</c> makes one: cgroup v1
/// (<c>/sys/fs/cgroup/memory</c>, <c>memory.limit_in_bytes</c>) where the memory controller is mounted there, else cgroup
/// v2 (<c>memory.max</c>) on a unified hierarchy with the memory controller. Dispose kills what is still inside and
/// removes the cgroup, also when the test failed; a cgroup left by a killed test run is removed by the next one (same
/// prefix).
/// </summary>
internal sealed class MemoryCgroup : IDisposable
{
    private const string Prefix = "uncloak-test-memcap-";
    private const string V1Root = "/sys/fs/cgroup/memory";
    private const string V2Root = "/sys/fs/cgroup";

    private readonly bool _v1;

    public MemoryCgroup(long limitBytes)
    {
        _v1 = File.Exists(Path.Combine(V1Root, "memory.limit_in_bytes"));
        if (!_v1 && !(File.Exists(Path.Combine(V2Root, "cgroup.controllers"))
            && File.ReadAllText(Path.Combine(V2Root, "cgroup.controllers")).Split(' ', '\n').Contains("memory")))
        {
            throw new InvalidOperationException("no memory cgroup controller: neither v1 at /sys/fs/cgroup/memory nor v2 with +memory at /sys/fs/cgroup");
        }
        string root = _v1 ? V1Root : V2Root;
        foreach (var left in Directory.GetDirectories(root, Prefix + "*"))
        {
            Remove(left);
        }
        Dir = Path.Combine(root, Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Dir);
        // No swap to spill into (v1: the memsw limit equals the memory limit where swap accounting exists), so the cap is
        // what the daemon can really use.
        Write(_v1 ? "memory.limit_in_bytes" : "memory.max", limitBytes);
        if (_v1 && File.Exists(Path.Combine(Dir, "memory.memsw.limit_in_bytes")))
        {
            Write("memory.memsw.limit_in_bytes", limitBytes);
        }
        else if (!_v1)
        {
            Write("memory.swap.max", 0);
        }
        Limit = limitBytes;
    }

    public string Dir { get; }

    public long Limit { get; }

    /// <summary>The file a process writes its pid into to join.</summary>
    public string Procs => Path.Combine(Dir, "cgroup.procs");

    /// <summary>The most the cgroup ever used, page cache included (v1 <c>max_usage_in_bytes</c>, v2 <c>memory.peak</c>).</summary>
    public long PeakBytes => Read(_v1 ? "memory.max_usage_in_bytes" : "memory.peak");

    /// <summary>Times the usage hit the limit (v1 <c>failcnt</c>, v2 the <c>max</c> count in <c>memory.events</c>).</summary>
    public long LimitHits => _v1 ? Read("memory.failcnt") : Field("memory.events", "max");

    /// <summary>Processes the kernel's OOM killer took from this cgroup (<c>oom_kill</c>).</summary>
    public long OomKills => Field(_v1 ? "memory.oom_control" : "memory.events", "oom_kill");

    /// <summary>Anonymous memory now (heap and stacks: what the daemon itself grew, not page cache).</summary>
    public long AnonymousBytes => Field("memory.stat", _v1 ? "total_rss" : "anon");

    private void Write(string file, long value) => File.WriteAllText(Path.Combine(Dir, file), value.ToString(CultureInfo.InvariantCulture));

    private long Read(string file) => long.Parse(File.ReadAllText(Path.Combine(Dir, file)).Trim(), CultureInfo.InvariantCulture);

    private long Field(string file, string key)
    {
        foreach (var line in File.ReadLines(Path.Combine(Dir, file)))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key)
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"{Dir}/{file} has no '{key}' line");
    }

    private static void Remove(string dir)
    {
        // A cgroup can only be removed once empty: kill what is left (a daemon of a failed test), then wait, bounded, for
        // the kernel to reap it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var pids = File.ReadAllLines(Path.Combine(dir, "cgroup.procs")).Where(l => l.Length > 0).ToList();
            if (pids.Count == 0)
            {
                Directory.Delete(dir);
                return;
            }
            foreach (var pid in pids)
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture)).Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Already gone between the read and the kill.
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"cgroup {dir} still holds {string.Join(',', pids)} after 10 s");
            }
            Thread.Sleep(50);
        }
    }

    public void Dispose() => Remove(Dir);
}
