using System.Text;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Linux.Routing;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Routing;

/// <summary>
/// Issue 12, item 2: the RTM_GETQDISC reader against the kernel, compared with <c>tc -s qdisc show</c> in the same
/// namespace. The namespace, its veth pair (198.18.44.1/24), a tbf that drops and a pfifo are the test's own.
/// </summary>
public sealed class QdiscDumpTests
{
    [RootFact]
    public void The_netlink_reading_matches_tc_for_every_qdisc_and_sees_the_tbf_drops()
    {
        using var ns = NetworkNamespace.Create();
        var veth = QdiscVeth.Create(ns, "uc-qd", "198.18.44", "02:00:5e:00:44:09");
        NetworkNamespace.Run("tc", "-n", ns.Name, "qdisc", "add", "dev", veth.Device, "root", "handle", "8001:", "tbf", "rate", "1mbit", "burst", "1600", "limit", "3000");
        NetworkNamespace.Run("tc", "-n", ns.Name, "qdisc", "add", "dev", veth.Peer, "root", "handle", "20:", "pfifo", "limit", "50");
        veth.Send(40, 1000);

        var problems = new List<string>();
        List<QdiscStats> Netlink() => ns.OnThreadInside(() =>
        {
            using var client = RouteClient.Open();
            return client.Qdiscs(problems);
        });
        var before = Netlink();
        var tc = ns.Exec("tc", "-s", "qdisc", "show");
        var after = Netlink();

        Assert.Equal(0, tc.Exit);
        Assert.Empty(problems);
        var text = DumpReader.Read(Encoding.UTF8.GetBytes(tc.Out)).Qdiscs;
        Assert.Equal(text.Select(q => q.Key).Order(StringComparer.Ordinal), before.Select(q => q.Key).Order(StringComparer.Ordinal));
        Assert.Equal(before.Select(q => q.Key), after.Select(q => q.Key));
        foreach (var t in text)
        {
            var b = before.Single(q => q.Key == t.Key);
            var a = after.Single(q => q.Key == t.Key);
            Assert.Equal(t.Kind, b.Kind);
            Assert.True(b.HasStatistics, t.Key);
            // IPv6 neighbour discovery may add a packet between the reads: tc's counters lie between the two netlink ones.
            Between(b.SentBytes, t.SentBytes, a.SentBytes, t.Key + " sent bytes");
            Between(b.SentPackets, t.SentPackets, a.SentPackets, t.Key + " sent packets");
            Between(b.Drops, t.Drops, a.Drops, t.Key + " drops");
            Between(b.Overlimits, t.Overlimits, a.Overlimits, t.Key + " overlimits");
            Between(b.Requeues, t.Requeues, a.Requeues, t.Key + " requeues");
        }

        var tbf = before.Single(q => q.Device == "uc-qd0");
        Assert.Equal(("tbf", "8001:", "root"), (tbf.Kind, tbf.Handle, tbf.Parent));
        Assert.InRange(tbf.Drops, 1, 40); // 40 KB at 1 Mbit/s through a 3000-byte queue: most are dropped
        Assert.True(tbf.Overlimits > 0);
        Assert.Equal("rate 1Mbit burst 1600b limit 3000b", tbf.Options);
        var pfifo = before.Single(q => q.Device == "uc-qd1");
        Assert.Equal(("pfifo", "20:", "root", "limit 50p"), (pfifo.Kind, pfifo.Handle, pfifo.Parent, pfifo.Options));
        Assert.Equal(pfifo.Options, text.Single(q => q.Device == "uc-qd1").Options);
        Assert.Contains(before, q => q.Device == "lo" && q.Kind == "noqueue");
    }

    private static void Between(long first, long tc, long second, string what) =>
        Assert.True(first <= tc && tc <= second, $"{what}: tc {tc} not between the netlink readings {first} and {second}");
}
