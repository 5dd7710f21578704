using Uncloak.Core.Events;
using Uncloak.Store;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

public sealed class RollupBlockTests
{
    private static readonly long Minute0 = new DateTime(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc).Ticks / TimeSpan.TicksPerMinute;

    private static List<RollupRecord> Group(int source = 3, EventKind kind = EventKind.FirewallLog, bool uptime = false) =>
    [
        new(source, kind, RollupScope.Minute, uptime, Minute0, NetAddress.None, 0, 7, Minute0, Minute0),
        new(source, kind, RollupScope.Minute, uptime, Minute0 + 1, NetAddress.None, 0, 1, Minute0 + 1, Minute0 + 1),
        new(source, kind, RollupScope.Minute, uptime, Minute0 + 900, NetAddress.None, 0, long.MaxValue / 2, Minute0 + 900, Minute0 + 900),
        new(source, kind, RollupScope.Peer, uptime, 0, NetAddress.Parse("198.18.0.1"), 0, 5, Minute0, Minute0 + 900),
        new(source, kind, RollupScope.Peer, uptime, 0, NetAddress.Parse("255.255.255.255"), 0, 1, Minute0 + 1, Minute0 + 1),
        new(source, kind, RollupScope.Peer, uptime, 0, NetAddress.Parse("2001:2::5"), 0, 2, Minute0 + 1, Minute0 + 2),
        new(source, kind, RollupScope.Peer, uptime, 0, NetAddress.Parse("::1"), 0, 1, Minute0 - 50, Minute0 - 50),
        new(source, kind, RollupScope.Port, uptime, 0, NetAddress.None, 1, 3, Minute0, Minute0 + 1),
        new(source, kind, RollupScope.Port, uptime, 0, NetAddress.None, 65535, 4, Minute0 + 2, Minute0 + 900),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_block_gives_back_every_record_it_was_made_of(bool uptime)
    {
        var records = Group(uptime: uptime);
        if (uptime)
        {
            // Minutes since boot start at zero.
            records = [.. records.Select(r => r with { Minute = r.Minute == 0 ? 0 : r.Minute - Minute0, FirstMinute = Math.Max(0, r.FirstMinute - Minute0), LastMinute = Math.Max(0, r.LastMinute - Minute0) })];
        }
        var decoded = RollupBlock.Decode(3, EventKind.FirewallLog, uptime, RollupBlock.Encode(records));
        Assert.Equal(records, decoded);
    }

    [Fact]
    public void Records_given_out_of_scope_order_come_back_by_scope_each_in_its_order_and_the_minutes_read_alone()
    {
        var records = Group();
        var shuffled = records.OrderBy(r => r.Port).ThenBy(r => -r.Count).ToList();
        var data = RollupBlock.Encode(shuffled);
        Assert.Equal(shuffled.OrderBy(r => r.Scope), RollupBlock.Decode(3, EventKind.FirewallLog, false, data));
        Assert.Equal(shuffled.Where(r => r.Scope == RollupScope.Minute).Select(r => (r.Minute, r.Count)), RollupBlock.ReadMinutes(3, data));
    }

    [Fact]
    public void An_empty_group_is_a_block_of_no_records()
        => Assert.Empty(RollupBlock.Decode(1, EventKind.FirewallLog, false, RollupBlock.Encode([])));

    [Fact]
    public void Reading_one_peer_gives_only_its_record()
    {
        var data = RollupBlock.Encode(Group());
        var only = Assert.Single(RollupBlock.Decode(3, EventKind.FirewallLog, false, data, NetAddress.Parse("2001:2::5")));
        Assert.Equal((2L, Minute0 + 1, Minute0 + 2), (only.Count, only.FirstMinute, only.LastMinute));
        Assert.Empty(RollupBlock.Decode(3, EventKind.FirewallLog, false, data, NetAddress.Parse("198.18.0.2")));
    }

    [Fact]
    public void A_cut_or_garbled_block_is_reported_as_damaged_never_misread_silently()
    {
        var data = RollupBlock.Encode(Group());
        for (int length = 0; length < data.Length; length++)
        {
            Assert.Throws<StoreException>(() => RollupBlock.Decode(3, EventKind.FirewallLog, false, data.AsSpan(0, length)));
        }
        Assert.Throws<StoreException>(() => RollupBlock.Decode(3, EventKind.FirewallLog, false, [.. data, 0]));
        var rnd = new Random(45);
        for (int i = 0; i < 5000; i++)
        {
            var garbage = new byte[rnd.Next(0, 64)];
            rnd.NextBytes(garbage);
            if (garbage.Length > 0 && rnd.Next(2) == 0)
            {
                garbage[0] = 1; // past the version byte
            }
            try
            {
                RollupBlock.Decode(3, EventKind.FirewallLog, false, garbage);
            }
            catch (StoreException)
            {
            }
        }
    }

    [Fact]
    public void Blocks_of_parallel_readers_add_up_to_what_one_reader_counts()
    {
        var t0 = new DateTime(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc);
        var rnd = new Random(11);
        string[] peers = ["198.18.0.1", "198.18.0.2", "2001:2::5", "198.18.9.9"];
        var events = Enumerable.Range(0, 4000).Select(i => new NetEvent
        {
            Kind = EventKind.FirewallLog,
            Time = t0.AddSeconds(i * 2),
            UptimeMicros = -1,
            Peer = NetAddress.Parse(peers[rnd.Next(peers.Length)]),
            LocalPort = (ushort)(rnd.Next(3) == 0 ? rnd.Next(1, 65536) : 22),
            Position = new SourcePosition(1, i * 100L),
        }).ToList();
        var whole = new RollupAggregator();
        events.ForEach(e => whole.Add(e));
        var parts = Enumerable.Range(0, 5).Select(_ => new RollupAggregator()).ToArray();
        for (int i = 0; i < events.Count; i++)
        {
            parts[i * parts.Length / events.Count].Add(events[i]);
        }
        var blocks = parts.SelectMany(p => p.Blocks()).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(p => p * 80_000L), blocks.Select(b => b.Offset));
        var sum = blocks.SelectMany(b => RollupBlock.Decode(b.Source, b.Kind, b.Uptime, RollupBlock.Encode(b.Records)))
            .GroupBy(r => (r.Scope, r.Minute, r.Peer, r.Port))
            .Select(g => g.First() with { Count = g.Sum(r => r.Count), FirstMinute = g.Min(r => r.FirstMinute), LastMinute = g.Max(r => r.LastMinute) })
            .OrderBy(r => (r.Scope, r.Minute, r.Peer, r.Port)).ToList();
        Assert.Equal(whole.Records().OrderBy(r => (r.Scope, r.Minute, r.Peer, r.Port)), sum);
    }
}
