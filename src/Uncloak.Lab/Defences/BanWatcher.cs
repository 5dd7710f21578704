using System.Diagnostics;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Defences;

/// <summary>
/// Watches the kernel's ban sets in the lab's server namespace (table <c>inet uncloak</c>, read through libnftables, whose
/// netlink socket is bound to the namespace of the thread that opens it) every <see cref="Interval"/>: when the first ban
/// element appeared, which targets were banned, and how many packets the bans dropped. It only reads; the daemon bans.
/// </summary>
public sealed class BanWatcher : IDisposable
{
    /// <summary>How often the sets are read: the resolution of the measured time to ban.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly NftFirewallBackend _sets;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _banned = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = new();
    private Thread? _thread;
    private TimeSpan? _firstBan;
    private Exception? _failure;

    public BanWatcher(LabNames names)
    {
        _sets = NetNamespace.Run(names.Server, () => new NftFirewallBackend(NftablesClient.OpenInProcess()
            ?? throw new LabException("bans in the lab need libnftables (package libnftables1)")));
    }

    /// <summary>Starts reading; times are measured from this call.</summary>
    public void Start()
    {
        _clock.Start();
        _thread = new Thread(Loop) { IsBackground = true, Name = "lab ban watcher" };
        _thread.Start();
    }

    private void Loop()
    {
        try
        {
            do
            {
                if (!_sets.IsInstalled())
                {
                    continue; // the daemon creates the table with its first ban
                }
                var elements = _sets.ReadElements(DateTimeOffset.UtcNow);
                if (elements.Count > 0)
                {
                    _firstBan ??= _clock.Elapsed;
                    _banned.UnionWith(elements.Keys.Select(k => k.ToString()));
                }
            }
            while (!_stop.Token.WaitHandle.WaitOne(Interval));
        }
        catch (FirewallException e)
        {
            _failure = e; // surfaced by Stop(): a watcher that silently stopped would report no ban
        }
    }

    /// <summary>Stops reading and returns what was seen. Throws <see cref="LabException"/> when reading failed.</summary>
    public BanSighting Stop()
    {
        _stop.Cancel();
        _thread?.Join();
        if (_failure is not null)
        {
            throw new LabException($"reading the ban sets failed: {_failure.Message}", _failure);
        }
        try
        {
            long drops = _sets.IsInstalled() ? _sets.Counters().Sum(c => c.Packets) : 0;
            return new BanSighting(_firstBan, [.. _banned.Order(StringComparer.Ordinal)], drops);
        }
        catch (FirewallException e)
        {
            throw new LabException($"reading the ban counters failed: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _sets.Dispose();
        _stop.Dispose();
    }
}
