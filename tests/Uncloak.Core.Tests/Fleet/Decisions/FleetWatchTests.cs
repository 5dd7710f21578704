using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using Uncloak.Fleet.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

/// <summary>Issue 13 item 6: what the consumer-free watch reads from a bucket's stream config and a live message's headers.</summary>
public sealed class FleetWatchTests
{
    private static (string Subject, bool Sequenced) Source(Republish? republish)
        => FleetWatch.LiveSource("uncloak-bans", new StreamConfig { Name = "KV_uncloak-bans", Republish = republish });

    [Fact]
    public void A_bucket_this_agent_creates_republishes_every_key_to_the_live_subject_and_is_followed_there()
    {
        var r = FleetWatch.Republish("uncloak-bans");
        Assert.Equal("$KV.uncloak-bans.>", r.Src);
        Assert.Equal("uncloak.live.uncloak-bans.>", r.Dest);
        Assert.False(r.HeadersOnly);
        Assert.Equal(("uncloak.live.uncloak-bans.>", true), Source(new Republish { Src = r.Src!, Dest = r.Dest! }));
        // The server's own default for an empty source is every subject of the stream.
        Assert.Equal(("uncloak.bans.>", true), Source(new Republish { Src = "", Dest = "uncloak.bans.>" }));
    }

    [Fact]
    public void A_bucket_without_a_usable_republish_is_followed_on_its_own_subjects_without_sequences()
    {
        Assert.Equal(("$KV.uncloak-bans.>", false), Source(null));
        // Values left out, a part of the keys, or a destination that drops the key: none of them carries every ban.
        Assert.Equal(("$KV.uncloak-bans.>", false), Source(new Republish { Src = "$KV.uncloak-bans.>", Dest = "x.>", HeadersOnly = true }));
        Assert.Equal(("$KV.uncloak-bans.>", false), Source(new Republish { Src = "$KV.uncloak-bans.web-01.>", Dest = "x.>" }));
        Assert.Equal(("$KV.uncloak-bans.>", false), Source(new Republish { Src = "$KV.uncloak-bans.>", Dest = "uncloak.bans" }));
    }

    [Fact]
    public void Delete_and_purge_markers_are_revocations_and_a_plain_message_is_a_put()
    {
        Assert.Equal(NatsKVOperation.Put, FleetWatch.Operation(null));
        Assert.Equal(NatsKVOperation.Put, FleetWatch.Operation(new NatsHeaders { ["Nats-Sequence"] = "3" }));
        Assert.Equal(NatsKVOperation.Del, FleetWatch.Operation(new NatsHeaders { ["KV-Operation"] = "DEL" }));
        Assert.Equal(NatsKVOperation.Purge, FleetWatch.Operation(new NatsHeaders { ["KV-Operation"] = "PURGE" }));
        // nats-server 2.11 writes its own marker when a key's TTL ends.
        Assert.Equal(NatsKVOperation.Purge, FleetWatch.Operation(new NatsHeaders { ["Nats-Marker-Reason"] = "MaxAge" }));
        Assert.Equal(NatsKVOperation.Del, FleetWatch.Operation(new NatsHeaders { ["Nats-Marker-Reason"] = "Remove" }));
    }

    [Fact]
    public void The_republished_sequence_is_read_and_a_missing_or_bad_one_is_null()
    {
        Assert.Equal(18_446_744_073_709_551_615ul, FleetWatch.Sequence(new NatsHeaders { ["Nats-Sequence"] = "18446744073709551615" }));
        Assert.Equal(12ul, FleetWatch.Sequence(new NatsHeaders { ["Nats-Sequence"] = "12", ["Nats-Last-Sequence"] = "4" }));
        Assert.Null(FleetWatch.Sequence(null));
        Assert.Null(FleetWatch.Sequence(new NatsHeaders { ["Nats-Last-Sequence"] = "4" }));
        Assert.Null(FleetWatch.Sequence(new NatsHeaders { ["Nats-Sequence"] = "-1" }));
        Assert.Null(FleetWatch.Sequence(new NatsHeaders { ["Nats-Sequence"] = "12x" }));
    }
}
