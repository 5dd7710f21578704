using BenchmarkDotNet.Attributes;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;
using Uncloak.Core.Events;

namespace Uncloak.Benchmarks;

/// <summary>
/// The watch engine's detection step alone: one million decoded events (firewall-log scans and floods, treason,
/// zero-window holds, slow reads, SYN floods over 50,000 peers, one second apart per 1,000 events) through the shipped
/// scenarios and profiles. Reported per event (OperationsPerInvoke); the target is ≥ 500,000 events/s (≤ 2 µs/event).
/// </summary>
[MemoryDiagnoser]
public class ScenarioBenchmarks
{
    private const int Events = 1_000_000;
    private NetEvent[] _events = [];
    private DetectionConfig _config = null!;
    private readonly List<RemediationAction> _actions = new(16);

    [GlobalSetup]
    public void Setup()
    {
        _config = ScenarioLoader.LoadFolders([Path.Combine(AppContext.BaseDirectory, "config", "scenarios")]);
        var rng = new Random(1);
        var t0 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        _events = new NetEvent[Events];
        for (int i = 0; i < Events; i++)
        {
            var peer = NetAddress.FromV4(0xC6120000u | (uint)rng.Next(50_000)); // 198.18.0.0/15
            var time = t0.AddMilliseconds(i);
            int r = rng.Next(100);
            _events[i] = r switch
            {
                < 60 => new NetEvent { Time = time, Kind = EventKind.FirewallLog, Peer = peer, LocalPort = (ushort)rng.Next(1, 1024), Protocol = 6, TcpFlags = r < 30 ? TcpFlags.Syn : TcpFlags.Ack | TcpFlags.Rst },
                < 80 => new NetEvent { Time = time, Kind = EventKind.Treason, Peer = peer, LocalPort = 443, Form = (byte)(r % 4) },
                < 90 => new NetEvent { Time = time, Kind = EventKind.ZeroWindowHold, Peer = peer, LocalPort = 443, Form = (byte)(r % 2) },
                < 99 => new NetEvent { Time = time, Kind = EventKind.SlowRead, Peer = peer, LocalPort = 443 },
                _ => new NetEvent { Time = time, Kind = EventKind.SynFlood, LocalPort = 80 },
            };
        }
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public int ScenariosPerEvent()
    {
        var pipeline = new DetectionPipeline(_config.Scenarios, _config.Profiles, simulateAll: true);
        int actions = 0;
        foreach (ref readonly var ev in _events.AsSpan())
        {
            _actions.Clear();
            if (pipeline.Process(ev, _actions))
            {
                actions += _actions.Count;
            }
        }
        return actions;
    }
}
