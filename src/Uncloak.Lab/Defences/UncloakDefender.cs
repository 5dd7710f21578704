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
/// the peers holding zero windows through the ban callback (when given) and destroys their sockets with the same
/// <see cref="SocketKiller"/> as <c>uncloak sockets --kill-stuck</c>. The server's own addresses are protected.
/// </summary>
public sealed class UncloakDefender(LabNames names, Action<IReadOnlyCollection<NetAddress>>? ban = null) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<NetAddress> _banned = [];
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
                var plan = KillPlan.ForStuck(findings, guard);
                if (plan.Targets.Count == 0)
                {
                    continue;
                }
                // Ban first, then kill: a killed holder must not simply reconnect.
                var peers = plan.Targets.Select(t => t.Id.Remote).Where(p => !_banned.Contains(p)).Distinct().ToList();
                if (ban is not null && peers.Count > 0)
                {
                    ban(peers);
                    _banned.UnionWith(peers);
                }
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
