using Uncloak.Fleet.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

/// <summary>Issue 13 item 6: live bans over a plain subscription; a missed one is seen from the republished stream sequences.</summary>
public sealed class LiveSequenceTests
{
    [Fact]
    public void Changes_after_the_snapshot_apply_in_order_and_what_the_snapshot_held_is_skipped()
    {
        var live = new LiveSequence(snapshot: 40);
        // Buffered while the snapshot ran: 39 and 40 are in it already.
        Assert.Equal(LiveStep.Old, live.Next(39));
        Assert.Equal(LiveStep.Old, live.Next(40));
        Assert.Equal(LiveStep.Apply, live.Next(41));
        Assert.Equal(LiveStep.Apply, live.Next(42));
        Assert.Equal(LiveStep.Old, live.Next(42));
        Assert.Equal(42ul, live.Last);
    }

    [Fact]
    public void A_skipped_sequence_is_a_gap_and_is_not_taken_as_applied()
    {
        var live = new LiveSequence(snapshot: 7);
        Assert.Equal(LiveStep.Apply, live.Next(8));
        Assert.Equal(LiveStep.Gap, live.Next(10));
        Assert.Equal(8ul, live.Last);
        // A recreated bucket starts again at 1: below what was seen, never applied as new.
        Assert.Equal(LiveStep.Old, live.Next(1));
    }

    [Fact]
    public void An_empty_bucket_expects_its_first_message()
    {
        var live = new LiveSequence(snapshot: 0);
        Assert.Equal(LiveStep.Gap, live.Next(2));
        Assert.Equal(LiveStep.Apply, live.Next(1));
    }

    [Fact]
    public void Unsequenced_messages_from_a_bucket_without_republish_all_apply()
    {
        var live = new LiveSequence(snapshot: 100);
        Assert.Equal(LiveStep.Apply, live.Next(null));
        Assert.Equal(LiveStep.Apply, live.Next(null));
        Assert.Equal(100ul, live.Last);
    }
}
