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
    public void Past_the_analysis_budget_new_ports_are_only_counted_as_distinct()
    {
        var budget = new PortBudget(300);
        var t = new PortTally(budget);
        var other = new PortTally(budget);
        other.Add(9, 1);
        for (int p = 1; p <= 1000; p++)
        {
            t.Add((ushort)p, p);
        }
        t.Add(1, 5);
        Assert.Equal(299, t.Count);
        Assert.Equal(1000, t.Distinct);
        Assert.Equal(6, t.Entries().Single(e => e.Port == 1).Count);
        Assert.Equal(299, t.Entries().Max(e => e.Port));
    }

    [Fact]
    public void Order_of_adding_does_not_change_the_table()
    {
        var ports = Enumerable.Range(1, 5000).Select(i => (ushort)(i * 7 % 65535 + 1)).ToList();
        var forward = new PortTally();
        var backward = new PortTally();
        foreach (var p in ports)
        {
            forward.Add(p, 1);
        }
        foreach (var p in Enumerable.Reverse(ports))
        {
            backward.Add(p, 1);
        }
        Assert.Equal(5000, forward.Distinct);
        Assert.Equal(forward.Top(10), backward.Top(10));
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
