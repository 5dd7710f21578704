using Uncloak.Core.Decisions;
using Uncloak.Fleet.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

/// <summary>Issue 13: received bans are applied in batches, not one store and kernel transaction per ban.</summary>
public sealed class FleetBatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);

    private static FleetBan Ban(int i, string host = "a", int minutes = 10)
    {
        var target = BanTarget.Parse($"198.18.{i / 250}.{i % 250 + 1}");
        return new FleetBan(FleetKey.For(host, target), host, target, Now.AddMinutes(minutes), "burst", null);
    }

    [Fact]
    public void A_burst_fills_batches_of_the_maximum_and_nothing_is_lost_or_doubled()
    {
        var batch = new FleetBatch(max: 5000, window: TimeSpan.FromMilliseconds(50));
        var applied = new List<List<FleetBan>>();
        for (int i = 0; i < 12_345; i++)
        {
            batch.Add(Ban(i), Now);
            if (batch.Due(Now))
            {
                applied.Add(batch.Take());
            }
        }
        Assert.False(batch.Due(Now));
        Assert.True(batch.Due(Now.AddMilliseconds(50)));
        applied.Add(batch.Take());

        Assert.Equal([5000, 5000, 2345], applied.Select(b => b.Count));
        var keys = applied.SelectMany(b => b).Select(b => b.Key).ToList();
        Assert.Equal(12_345, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, batch.Count);
        Assert.Equal(TimeSpan.Zero, batch.Remaining(Now));
    }

    [Fact]
    public void A_lone_ban_waits_at_most_the_window_counted_from_the_first_ban_of_the_batch()
    {
        var batch = new FleetBatch(max: 5000, window: TimeSpan.FromMilliseconds(50));
        Assert.False(batch.Due(Now));
        batch.Add(Ban(1), Now);
        Assert.False(batch.Due(Now.AddMilliseconds(49)));
        Assert.Equal(TimeSpan.FromMilliseconds(30), batch.Remaining(Now.AddMilliseconds(20)));

        // A later ban does not push the deadline back.
        batch.Add(Ban(2), Now.AddMilliseconds(40));
        Assert.True(batch.Due(Now.AddMilliseconds(50)));
        Assert.Equal(TimeSpan.Zero, batch.Remaining(Now.AddMilliseconds(50)));
        Assert.Equal(2, batch.Take().Count);

        // The next batch's window starts with its own first ban.
        batch.Add(Ban(3), Now.AddMilliseconds(100));
        Assert.False(batch.Due(Now.AddMilliseconds(120)));
        Assert.True(batch.Due(Now.AddMilliseconds(150)));
    }

    [Fact]
    public void A_key_received_twice_in_one_batch_is_applied_once_with_its_newest_value()
    {
        var batch = new FleetBatch(max: 3);
        batch.Add(Ban(1, minutes: 10), Now);
        batch.Add(Ban(2), Now);
        batch.Add(Ban(1, minutes: 30), Now);
        batch.Add(Ban(1, host: "c"), Now);

        Assert.True(batch.Full);
        var taken = batch.Take();
        Assert.Equal(["a.198-18-0-2", "a.198-18-0-3", "c.198-18-0-2"], taken.Select(b => b.Key));
        Assert.Equal(Now.AddMinutes(30), taken[0].Expires);
    }

    [Fact]
    public void A_batch_cannot_be_made_empty_by_construction()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new FleetBatch(max: 0));

    [Fact]
    public void While_entries_wait_on_the_server_a_batch_collects_up_to_the_backlog_window_and_a_revoked_ban_leaves_it()
    {
        var batch = new FleetBatch();
        for (int i = 0; i < 3; i++)
        {
            batch.Add(Ban(i), Now);
        }
        Assert.False(batch.Due(Now.AddMilliseconds(60), backlog: true));
        Assert.True(batch.Due(Now.AddMilliseconds(60), backlog: false));
        Assert.Equal(FleetBatch.BacklogWindow - TimeSpan.FromMilliseconds(60), batch.Remaining(Now.AddMilliseconds(60), backlog: true));
        Assert.True(batch.Due(Now + FleetBatch.BacklogWindow, backlog: true));

        Assert.True(batch.Remove(Ban(1).Key));
        Assert.False(batch.Remove(Ban(1).Key));
        Assert.Equal(2, batch.Count);
        // A later value of a remaining key still replaces it in place.
        batch.Add(Ban(2, minutes: 20), Now);
        Assert.Equal([Ban(0), Ban(2, minutes: 20)], batch.Take());
        Assert.Equal(0, batch.Count);
    }

    [Fact]
    public void A_chunk_fits_whole_or_the_batch_before_it_is_applied_first()
    {
        var batch = new FleetBatch(max: 3000);
        Assert.True(batch.Fits(FleetChunk.MaxReceived));
        batch.Add(Ban(0), Now);
        Assert.True(batch.Fits(2000));
        Assert.False(batch.Fits(3000));
    }
}
