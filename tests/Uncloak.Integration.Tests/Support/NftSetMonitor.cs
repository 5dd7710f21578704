using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Sees set elements arrive in a namespace's nftables as the kernel announces them: one long-lived <c>nft -j monitor new
/// elements</c> (the kernel's nftables netlink notifications, as JSON lines), each element stamped with
/// <see cref="Stopwatch.GetTimestamp"/> the moment its line is read. Unlike polling <c>nft list set</c>, the observer costs
/// no process start and no poll interval per look, so a latency measured with it is the daemon's.
/// </summary>
internal sealed class NftSetMonitor : IDisposable
{
    private readonly Process _nft;
    private readonly Thread _reader;
    private readonly string _netns;

    /// <summary>Element value ("198.18.3.4") → when it was announced (Stopwatch ticks).</summary>
    public ConcurrentDictionary<string, long> Seen { get; } = new(StringComparer.Ordinal);

    private NftSetMonitor(string netns)
    {
        _netns = netns;
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["netns", "exec", netns, "nft", "-j", "monitor", "new", "elements"])
        {
            psi.ArgumentList.Add(a);
        }
        _nft = Process.Start(psi)!;
        _nft.ErrorDataReceived += (_, _) => { };
        _nft.BeginErrorReadLine();
        _reader = new Thread(Read) { IsBackground = true, Name = "nft monitor" };
        _reader.Start();
    }

    /// <summary>Starts the monitor in <paramref name="netns"/> and returns once it demonstrably receives announcements (a canary element in a table of its own, bounded).</summary>
    public static NftSetMonitor Start(string netns)
    {
        var monitor = new NftSetMonitor(netns);
        try
        {
            Command.Run("ip", "netns", "exec", netns, "nft", "add", "table", "inet", "uc_t_mon");
            Command.Run("ip", "netns", "exec", netns, "nft", "add", "set", "inet", "uc_t_mon", "canary", "{ type ipv4_addr ; }");
            int n = 0;
            WatchDeadline.Until(() =>
            {
                if (monitor.Seen.Keys.Any(k => k.StartsWith("192.0.2.", StringComparison.Ordinal)))
                {
                    return true;
                }
                Command.Run("ip", "netns", "exec", netns, "nft", "add", "element", "inet", "uc_t_mon", "canary", $"{{ 192.0.2.{++n % 250 + 1} }}");
                return false;
            }, TimeSpan.FromSeconds(20), () => "nft monitor to report the canary element");
            return monitor;
        }
        catch
        {
            monitor.Dispose();
            throw;
        }
    }

    private void Read()
    {
        while (_nft.StandardOutput.ReadLine() is { } line)
        {
            long now = Stopwatch.GetTimestamp();
            try
            {
                using var doc = JsonDocument.Parse(line);
                Collect(doc.RootElement, now);
            }
            catch (JsonException)
            {
                // nft prints only JSON objects with -j; anything else is not an element announcement.
            }
        }
    }

    /// <summary>Every "val" string in the announcement: set elements appear as {"elem": {"val": …, "timeout": …}} or bare values.</summary>
    private void Collect(JsonElement e, long now)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.NameEquals("val") && p.Value.ValueKind == JsonValueKind.String)
                    {
                        Seen.TryAdd(p.Value.GetString()!, now);
                    }
                    else
                    {
                        Collect(p.Value, now);
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        Seen.TryAdd(item.GetString()!, now);
                    }
                    else
                    {
                        Collect(item, now);
                    }
                }
                break;
        }
    }

    public void Dispose()
    {
        if (!_nft.HasExited)
        {
            _nft.Kill(entireProcessTree: true);
            _nft.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _reader.Join(TimeSpan.FromSeconds(10));
        _nft.Dispose();
        Command.Run("ip", check: false, "netns", "exec", _netns, "nft", "delete", "table", "inet", "uc_t_mon");
    }
}
