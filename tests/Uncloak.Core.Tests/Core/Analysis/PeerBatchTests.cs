using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>Issue 18 item 6: peer events counted a batch at a time, by parallel readers, count what one event at a time counts.</summary>
public sealed class PeerBatchTests
{
    private static readonly EventKind[] Kinds = [EventKind.FirewallLog, EventKind.Treason, EventKind.FirewallLog, EventKind.SynFlood];

    [Fact]
    public void Two_readers_counting_in_batches_count_what_one_reader_counts_event_by_event()
    {
        var events = Events(seed: 5, count: 80_000);
        var byOne = new PeerTable();
        var one = new PeerBatch();
        foreach (var e in events)
        {
            one.Add(e.Peer, e.Kind, e.Port, e.Time, e.Weight);
            one.Flush(byOne);
        }
        var shared = new PeerTable();
        Parallel.For(0, 2, reader =>
        {
            var batch = new PeerBatch();
            for (int i = reader; i < events.Length; i += 2)
            {
                var e = events[i];
                if (batch.Add(e.Peer, e.Kind, e.Port, e.Time, e.Weight))
                {
                    batch.Flush(shared);
                }
            }
            batch.Flush(shared);
        });

        Assert.Equal(Describe(byOne), Describe(shared));
        Assert.Equal(byOne.PeersPerPort(), shared.PeersPerPort());
        Assert.Equal(events.Select(e => e.Peer).Distinct().Count(), shared.Count);
    }

    [Fact]
    public void A_batch_counts_nothing_until_flushed_and_nothing_twice()
    {
        var table = new PeerTable();
        var batch = new PeerBatch();
        var peer = NetAddress.FromV4(0xC6120007u);
        var at = new DateTime(2026, 12, 6, 9, 0, 0, DateTimeKind.Utc);
        Assert.False(batch.Add(peer, EventKind.FirewallLog, 22, at, 3));
        Assert.False(batch.Add(peer, EventKind.Treason, 0, at.AddMinutes(5), 1));
        Assert.Equal(0, table.Count);

        batch.Flush(table);
        batch.Flush(table);

        var stats = Assert.Single(table.All());
        Assert.Equal((3L, 1L, 4L), (stats.Counts[EventKind.FirewallLog], stats.Counts[EventKind.Treason], stats.Counts.Total));
        Assert.Equal((at, at.AddMinutes(5)), (stats.First, stats.Last));
        Assert.Equal([(22, 3L)], stats.LocalPorts.Entries());
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void A_batch_says_when_it_is_full_and_takes_events_again_once_flushed()
    {
        var table = new PeerTable();
        var batch = new PeerBatch();
        for (int i = 1; i < PeerBatch.Size; i++)
        {
            Assert.False(batch.Add(NetAddress.FromV4(0xC6120000u | (uint)i), EventKind.FirewallLog, 80, default, 1));
        }
        Assert.True(batch.Add(NetAddress.FromV4(0xC6130000u), EventKind.FirewallLog, 80, default, 1));

        batch.Flush(table);
        Assert.False(batch.Add(NetAddress.FromV4(0xC6130001u), EventKind.FirewallLog, 80, default, 1));
        batch.Flush(table);

        Assert.Equal(PeerBatch.Size + 1, table.Count);
        Assert.Equal(PeerBatch.Size + 1, table.PeersPerPort()[80]);
    }

    private static (NetAddress Peer, EventKind Kind, ushort Port, DateTime Time, long Weight)[] Events(int seed, int count)
    {
        var rnd = new Random(seed);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return Enumerable.Range(0, count).Select(_ =>
        {
            // IPv4 and IPv6 scanners, a few busy ones, ports many and few, some events with no port or no time.
            var peer = rnd.Next(5) == 0
                ? NetAddress.Parse($"2001:2::{rnd.Next(500):x}")
                : NetAddress.FromV4(0xC6120000u | (uint)(rnd.Next(3) == 0 ? rnd.Next(8) : rnd.Next(4_000)));
            ushort port = (ushort)(rnd.Next(6) == 0 ? 0 : rnd.Next(2) == 0 ? rnd.Next(1, 65536) : 443);
            var time = rnd.Next(10) == 0 ? default : start.AddSeconds(rnd.Next(86_400));
            return (peer, Kinds[rnd.Next(Kinds.Length)], port, time, (long)rnd.Next(1, 4));
        }).ToArray();
    }

    private static string[] Describe(PeerTable table)
        => table.All()
            .Select(p => $"{p.Address} {string.Join(',', p.Counts.NonZero())} {p.First:O} {p.Last:O} {p.DistinctLocalPorts} "
                + string.Join(',', p.LocalPorts.Entries().OrderBy(e => e.Port)))
            .Order(StringComparer.Ordinal)
            .ToArray();
}
