using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

public sealed class PortTableTests
{
    private static readonly EventKind[] Kinds = [EventKind.FirewallLog, EventKind.Treason, EventKind.SynFlood];

    [Fact]
    public void Readers_merged_count_every_port_and_kind_as_one_table_does()
    {
        // Ports on every page, both ends of the range among them, split between three readers at random.
        var rnd = new Random(11);
        var counts = new Dictionary<(EventKind, ushort), long>();
        var whole = new PortTable();
        var readers = new[] { new PortTable(), new PortTable(), new PortTable() };
        for (int i = 0; i < 20_000; i++)
        {
            ushort port = (ushort)(i % 10 == 0 ? rnd.Next(2) == 0 ? 1 : 65535 : rnd.Next(1, 65536));
            var kind = Kinds[rnd.Next(Kinds.Length)];
            long weight = rnd.Next(1, 4);
            whole.Add(kind, port, weight);
            readers[rnd.Next(readers.Length)].Add(kind, port, weight);
            counts[(kind, port)] = counts.GetValueOrDefault((kind, port)) + weight;
        }
        var merged = new PortTable();
        foreach (var reader in readers)
        {
            merged.Merge(reader);
        }
        var peers = new int[65536];
        var expected = Report(whole.Busiest(peers));
        Assert.Equal(expected, Report(merged.Busiest(peers)));
        Assert.Equal(PortTable.ReportedPorts, expected.Count);
        // The busiest ports, most events first, each with its counts by kind as added.
        var totals = counts.GroupBy(c => c.Key.Item2).Select(g => (Port: g.Key, Total: g.Sum(c => c.Value)))
            .OrderByDescending(p => p.Total).ThenBy(p => p.Port).Take(PortTable.ReportedPorts).ToList();
        Assert.Equal(totals.Select(t => t.Port), expected.Select(e => e.Port));
        foreach (var (port, kinds) in expected)
        {
            Assert.Equal(string.Join(' ', counts.Where(c => c.Key.Item2 == port).OrderBy(c => c.Key.Item1).Select(c => $"{c.Key.Item1}={c.Value}")), kinds);
        }
    }

    private static List<(ushort Port, string Kinds)> Report(List<PortStats> busiest)
        => [.. busiest.Select(p => (p.Port, string.Join(' ', p.Counts.NonZero().OrderBy(c => c.Kind).Select(c => $"{c.Kind}={c.Count}"))))];
}
