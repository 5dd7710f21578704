using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>Issue 18 item 6: the distinct peers of each local port, counted during the read, are the ones a walk of every peer's table counts.</summary>
public sealed class PeersPerPortTests
{
    [Fact]
    public void Ports_counted_as_two_readers_add_them_are_every_peers_held_ports()
    {
        var table = new PeerTable();
        Parallel.For(0, 2, reader =>
        {
            var rnd = new Random(reader);
            var batch = new PeerBatch();
            for (int i = 0; i < 50_000; i++)
            {
                var peer = NetAddress.FromV4(0xC6120000u | (uint)rnd.Next(3_000));
                ushort port = (ushort)(rnd.Next(4) == 0 ? rnd.Next(0, 65536) : new ushort[] { 0, 22, 80, 443 }[rnd.Next(4)]);
                if (batch.Add(peer, EventKind.FirewallLog, port, default, 1))
                {
                    batch.Flush(table);
                }
            }
            batch.Flush(table);
        });

        Assert.Equal(Walk(table), table.PeersPerPort());
        Assert.Equal(0, table.PeersPerPort()[0]); // no port is no port
        Assert.True(table.PeersPerPort()[80] > 1_000);
    }

    [Fact]
    public void The_ports_a_merge_brings_are_counted()
    {
        var table = new PeerTable();
        var other = new PeerTable();
        var a = NetAddress.FromV4(0xC6120001u);
        var b = NetAddress.FromV4(0xC6120002u);
        Count(table, (a, 80));
        Count(other, (a, 80), (a, 22), (b, 80));

        table.Merge(other);

        var counts = table.PeersPerPort();
        Assert.Equal(2, counts[80]);
        Assert.Equal(1, counts[22]);
        Assert.Equal(Walk(table), counts);
    }

    private static void Count(PeerTable table, params (NetAddress Peer, ushort Port)[] events)
    {
        var batch = new PeerBatch();
        foreach (var (peer, port) in events)
        {
            batch.Add(peer, EventKind.FirewallLog, port, default, 1);
        }
        batch.Flush(table);
    }

    private static int[] Walk(PeerTable table)
    {
        var counts = new int[65536];
        foreach (var peer in table.All())
        {
            foreach (var (port, _) in peer.LocalPorts.Entries())
            {
                counts[port]++;
            }
        }
        return counts;
    }
}
