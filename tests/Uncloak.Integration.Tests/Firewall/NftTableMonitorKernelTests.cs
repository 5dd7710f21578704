using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Xunit;

namespace Uncloak.Integration.Tests.Firewall;

/// <summary>
/// The table monitor and the table's shape against the real kernel (issue 13, a fleet burst): the daemon's own
/// 100,000-element commit announces every element, which may overrun the monitor's socket, but it deletes nothing
/// and leaves the table's handles as they were, so the cheap check after an overrun finds the table intact; a real
/// deletion is still announced, and a table made again has new handles. Each test has its own namespaces.
/// </summary>
public sealed class NftTableMonitorKernelTests
{
    [RootFact]
    public void A_100000_element_commit_keeps_the_tables_shape_and_is_no_deletion_and_a_deleted_table_is_seen_and_made_again_with_a_new_shape()
    {
        using var lab = new DefendLab();
        var now = DateTimeOffset.UtcNow;
        DefendLab.InNamespace(lab.Server, () =>
        {
            using var backend = (NftFirewallBackend)FirewallBackends.Open(FirewallBackend.Nftables);
            Assert.Null(backend.Shape());
            backend.Apply([], [], now); // the table, sets, chain and rules, with no element
            var shape = backend.Shape();
            Assert.NotNull(shape);
            using var monitor = NftTableMonitor.Start();

            var adds = Enumerable.Range(0, 100_000)
                .Select(i => new BanElement(new BanTarget(NetAddress.FromV4(0xC612_0000u + (uint)i), 32), now.AddHours(1)))
                .ToList();
            backend.Apply([], adds, now);
            Assert.Equal(shape, backend.Shape());
            Assert.True(backend.IsFullyInstalled());
            // The notifications are read (or overrun) by now or soon; whichever, none of them is a deletion.
            Thread.Sleep(500);
            Assert.NotEqual(TableDamage.Deleted, monitor.TakeDamage());
            Assert.Equal(0, monitor.Deletions);

            lab.Nft(lab.Server, "delete", "table", "inet", "uncloak");
            WatchDeadline.Until(() => monitor.Damage == TableDamage.Deleted, TimeSpan.FromSeconds(10), () => "the monitor to see the table deleted");
            Assert.Null(backend.Shape());

            backend.Apply([], [], now);
            var again = backend.Shape();
            Assert.NotNull(again);
            Assert.NotEqual(shape!.Value.Table, again!.Value.Table);
            return 0;
        });
    }
}
