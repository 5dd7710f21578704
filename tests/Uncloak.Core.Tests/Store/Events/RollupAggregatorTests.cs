using Uncloak.Core.Events;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

public sealed class RollupAggregatorTests
{
    private static readonly DateTime T0 = new(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc);

    private static NetEvent Firewall(int second, string peer, ushort port, int source = 1) => new()
    {
        Kind = EventKind.FirewallLog,
        Time = T0.AddSeconds(second),
        UptimeMicros = -1,
        Peer = NetAddress.Parse(peer),
        LocalPort = port,
        Position = new SourcePosition(source, second),
    };

    private static List<NetEvent> Events()
    {
        var rnd = new Random(7);
        string[] peers = ["198.18.0.1", "198.18.0.2", "2001:2::5", "198.18.9.9"];
        return [.. Enumerable.Range(0, 5000).Select(i => Firewall(i * 3 + rnd.Next(3), peers[rnd.Next(peers.Length)], (ushort)(rnd.Next(4) == 0 ? rnd.Next(1, 65536) : 22), source: i % 7 == 0 ? 2 : 1))];
    }

    [Fact]
    public void Counts_per_minute_peer_and_port_with_first_and_last_minute()
    {
        var a = new RollupAggregator();
        a.Add(Firewall(0, "198.18.0.1", 22));
        a.Add(Firewall(10, "198.18.0.1", 22));
        a.Add(Firewall(70, "198.18.0.2", 3389));
        a.Add(Firewall(130, "198.18.0.1", 3389));
        var records = a.Records().ToList();
        long minute0 = T0.Ticks / TimeSpan.TicksPerMinute;
        Assert.Equal([(minute0, 2L), (minute0 + 1, 1L), (minute0 + 2, 1L)],
            records.Where(r => r.Scope == RollupScope.Minute).Select(r => (r.Minute, r.Count)));
        var peer1 = Assert.Single(records, r => r.Scope == RollupScope.Peer && r.Peer == NetAddress.Parse("198.18.0.1"));
        Assert.Equal((3L, minute0, minute0 + 2), (peer1.Count, peer1.FirstMinute, peer1.LastMinute));
        var rdp = Assert.Single(records, r => r.Scope == RollupScope.Port && r.Port == 3389);
        Assert.Equal((2L, minute0 + 1, minute0 + 2), (rdp.Count, rdp.FirstMinute, rdp.LastMinute));
        Assert.All(records, r => Assert.Equal(EventKind.FirewallLog, r.Kind));
    }

    [Fact]
    public void Parallel_readers_merged_count_exactly_what_one_reader_counts()
    {
        var events = Events();
        var whole = new RollupAggregator();
        foreach (var ev in events)
        {
            whole.Add(ev);
        }
        // Two readers over two halves, as analyze reads a big file on both cores.
        var first = new RollupAggregator();
        var second = new RollupAggregator();
        foreach (var ev in events.Take(2345))
        {
            first.Add(ev);
        }
        foreach (var ev in events.Skip(2345))
        {
            second.Add(ev);
        }
        first.Merge(second);
        Assert.Equal(whole.Records().ToList(), first.Records().ToList());
        Assert.Equal(events.Count, whole.Records().Where(r => r.Scope == RollupScope.Minute).Sum(r => r.Count));
        Assert.Contains(whole.Records(), r => r.SourceId == 2);
    }

    [Fact]
    public void Thousands_of_peers_each_get_their_count_and_minutes_after_a_reset_and_a_merge_too()
    {
        // The peers' table grows from sixteen slots many times over, is emptied for another range, and takes in another
        // reader's peers: each peer's record is what a plain grouping of the events says.
        var rnd = new Random(21);
        var events = Enumerable.Range(0, 30_000).Select(i => Firewall(i / 4, rnd.Next(4) == 0
            ? $"2001:2::{rnd.Next(3_000):x}" : $"198.18.{rnd.Next(40)}.{rnd.Next(256)}", 22)).ToList();
        var first = new RollupAggregator();
        foreach (var ev in events.Take(5_000))
        {
            first.Add(ev);
        }
        first.Reset();
        var second = new RollupAggregator();
        for (int i = 0; i < events.Count; i++)
        {
            (i % 3 == 0 ? second : first).Add(events[i]);
        }
        first.Merge(second);

        var expected = events.GroupBy(e => e.Peer)
            .Select(g => (g.Key, (long)g.Count(), g.Min(e => e.Time.Ticks / TimeSpan.TicksPerMinute), g.Max(e => e.Time.Ticks / TimeSpan.TicksPerMinute)))
            .OrderBy(p => p.Key.ToString(), StringComparer.Ordinal);
        var actual = first.Records().Where(r => r.Scope == RollupScope.Peer)
            .Select(r => (r.Peer, r.Count, r.FirstMinute, r.LastMinute))
            .OrderBy(p => p.Peer.ToString(), StringComparer.Ordinal);
        Assert.True(expected.Count() > 5_000);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Events_without_any_clock_are_not_placed_in_time()
    {
        var a = new RollupAggregator();
        a.Add(Firewall(0, "198.18.0.1", 22) with { Time = default, UptimeMicros = -1 });
        a.Add(Firewall(0, "198.18.0.1", 22) with { Time = default, UptimeMicros = 90_000_000 });
        var minute = Assert.Single(a.Records(), r => r.Scope == RollupScope.Minute);
        Assert.True(minute.Uptime);
        Assert.Equal((1L, 1L), (minute.Minute, minute.Count));
    }

    [Fact]
    public void A_reset_aggregator_counts_the_next_range_as_a_new_one_does()
    {
        var events = Events();
        // One reader's ranges one after another: the first range's counts (other sources, peers, ports, minutes) must
        // leave nothing behind in the second's.
        var reused = new RollupAggregator();
        foreach (var ev in events.Take(3000))
        {
            reused.Add(ev);
        }
        Assert.NotEmpty(reused.Records());
        reused.Reset();
        Assert.Empty(reused.Records());
        Assert.Empty(reused.Blocks());
        var fresh = new RollupAggregator();
        foreach (var ev in events.Skip(3000).Where(e => e.Position.SourceId == 1))
        {
            reused.Add(ev);
            fresh.Add(ev);
        }
        Assert.Equal(fresh.Records().ToList(), reused.Records().ToList());
        Assert.Equal(fresh.Blocks().Select(b => (b.Source, b.Offset, b.Kind, b.Uptime)), reused.Blocks().Select(b => (b.Source, b.Offset, b.Kind, b.Uptime)));
    }
}
