using System.Diagnostics;
using Uncloak.Core.Events;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;
using Uncloak.Linux.Sockets;

namespace Uncloak.Lab.Defences;

/// <summary>
/// Uncloak defending the victim: every <see cref="Interval"/> it dumps the server namespace's socket table (sock_diag),
/// runs the same analysis as <c>uncloak sockets</c> (with the previous dump, so holds are confirmed across sweeps), bans
/// the peers holding zero windows through the ban callback (when given) and destroys every socket of theirs with the same
/// <see cref="SocketKiller"/> as <c>uncloak sockets --kill</c>. The server's own addresses are protected.
/// </summary>
public sealed class UncloakDefender(LabNames names, Action<IReadOnlyCollection<NetAddress>>? ban = null) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<NetAddress> _banned = [];
    private readonly HashSet<NetAddress> _condemned = [];
    private Thread? _thread;
    private SockDiagClient? _client;
    private int _sweeps, _killed;
    private TimeSpan? _firstKill;
    private Exception? _failure;

    public void Start()
    {
        _client = NetNamespace.Run(names.Server, () => SockDiagClient.Open());
        var guard = new ProtectedPeers()
            .Add(PeerPrefix.Single(NetAddress.FromIPAddress(LabNames.ServerAddress)), "the server's own address")
            .Add(PeerPrefix.Single(NetAddress.FromIPAddress(LabNames.ServerAddress6)), "the server's own address");
        _thread = new Thread(() => Loop(_client, guard)) { IsBackground = true, Name = "uncloak defender" };
        _thread.Start();
    }

    private void Loop(SockDiagClient client, ProtectedPeers guard)
    {
        var clock = Stopwatch.StartNew();
        SocketTable? previous = null;
        try
        {
            while (!_stop.Token.WaitHandle.WaitOne(Interval))
            {
                var table = client.Dump();
                var findings = SocketAnalyzer.Analyze(table, previous);
                previous = table;
                _sweeps++;
                // Peers caught holding windows shut are banned (when an enforcer is given) and from then on every socket
                // of theirs is killed, including connections still queued for accept that have not stalled yet.
                var stuck = KillPlan.ForStuck(findings, guard);
                var fresh = stuck.Targets.Select(t => t.Id.Remote).Where(p => !_condemned.Contains(p)).Distinct().ToList();
                if (fresh.Count > 0)
                {
                    // Ban first, then kill: a killed holder must not simply reconnect.
                    if (ban is not null)
                    {
                        ban(fresh);
                        _banned.UnionWith(fresh);
                    }
                    _condemned.UnionWith(fresh);
                }
                if (_condemned.Count == 0)
                {
                    continue;
                }
                var targets = new Dictionary<ulong, SocketRecord>();
                foreach (var peer in _condemned)
                {
                    foreach (var t in KillPlan.ForPeer(table, PeerPrefix.Single(peer), guard).Targets)
                    {
                        targets[t.Id.Cookie] = t;
                    }
                }
                if (targets.Count == 0)
                {
                    continue;
                }
                var plan = new KillPlan([.. targets.Values], []);
                var done = SocketKiller.Execute(client, plan);
                _killed += done.Killed;
                _firstKill ??= done.Killed > 0 ? clock.Elapsed : null;
            }
        }
        catch (Exception e) when (e is SockDiagException or LabException or IOException)
        {
            _failure = e; // surfaced by Stop(): a defence that silently stopped would fake a result
        }
    }

    /// <summary>Stops the loop and returns what it did; throws when the loop failed.</summary>
    public DefenderStats Stop()
    {
        _stop.Cancel();
        _thread?.Join();
        if (_failure is not null)
        {
            throw new LabException($"the Uncloak defence failed: {_failure.Message}", _failure);
        }
        return new DefenderStats(_sweeps, _killed, [.. _banned.Order().Select(b => b.ToString())], _firstKill);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _client?.Dispose();
        _stop.Dispose();
    }
}
