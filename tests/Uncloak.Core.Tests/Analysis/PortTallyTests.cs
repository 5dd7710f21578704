using Uncloak.Core.Analysis;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

public sealed class PortTallyTests
{
    [Fact]
    public void Counts_each_port_exactly_and_names_the_most_touched_first()
    {
        var t = new PortTally();
        var expected = new Dictionary<ushort, long>();
        var rnd = new Random(3);
        for (int i = 0; i < 20_000; i++)
        {
            ushort port = (ushort)(rnd.Next(3) == 0 ? rnd.Next(1, 200) : new ushort[] { 22, 80, 443 }[rnd.Next(3)]);
            t.Add(port, 1);
            expected[port] = expected.GetValueOrDefault(port) + 1;
        }
        Assert.Equal(expected.Count, t.Distinct);
        Assert.Equal(expected.OrderBy(kv => kv.Key), t.Entries().OrderBy(e => e.Port).Select(e => new KeyValuePair<ushort, long>(e.Port, e.Count)));
        Assert.Equal(expected.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(3).Select(kv => kv.Key), t.Top(3).Select(e => e.Port));
    }

    [Fact]
    public void Keeps_at_most_256_ports_but_goes_on_counting_distinct_ones()
    {
        var t = new PortTally();
        for (int p = 1; p <= 1000; p++)
        {
            t.Add((ushort)p, p);
        }
        t.Add(1, 5);
        Assert.Equal(PortTally.MaxPorts, t.Count);
        Assert.Equal(1000, t.Distinct);
        Assert.Equal(6, t.Entries().Single(e => e.Port == 1).Count);
        Assert.Equal(256, t.Entries().Max(e => e.Port));
    }

    [Fact]
    public void Merging_two_readers_tables_equals_one_reader()
    {
        var whole = new PortTally();
        var a = new PortTally();
        var b = new PortTally();
        for (int i = 0; i < 100; i++)
        {
            ushort port = (ushort)(i % 37 + 1);
            whole.Add(port, 2);
            (i < 40 ? a : b).Add(port, 2);
        }
        a.Merge(b);
        Assert.Equal(whole.Distinct, a.Distinct);
        Assert.Equal(whole.Entries().OrderBy(e => e.Port), a.Entries().OrderBy(e => e.Port));
    }
}
