using Uncloak.Core.Detection;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

public sealed class ScenarioEngineTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static Scenario PerPeer => new()
    {
        Name = "p",
        Filter = new EventFilter { Kinds = new HashSet<EventKind> { EventKind.FirewallLog } },
        Capacity = 5,
        LeakEvery = TimeSpan.FromMinutes(1),
        Profile = "alert",
    };

    [Fact]
    public void A_flood_from_random_sources_is_bounded_by_the_group_limit_and_idle_groups_are_swept()
    {
        var engine = new ScenarioEngine([PerPeer], maxGroups: 1000);
        var alerts = new List<ScenarioAlert>();
        for (uint i = 0; i < 5000; i++)
        {
            engine.Process(new NetEvent { Time = T0, Kind = EventKind.FirewallLog, Peer = NetAddress.FromV4(0xC6120000u + i) }, alerts);
        }
        Assert.Equal(1000, engine.BucketCount);
        Assert.Equal(4000, engine.GroupsRefused);
        // Ten minutes later the one-event buckets have leaked empty: a new source gets a group again.
        engine.Process(new NetEvent { Time = T0.AddMinutes(10), Kind = EventKind.FirewallLog, Peer = NetAddress.FromV4(0xC6130001u) }, alerts);
        Assert.Equal(1, engine.BucketCount);
        Assert.Empty(alerts);
    }

    [Fact]
    public void Events_without_wall_time_use_kernel_uptime_and_untimed_ones_are_counted_not_guessed()
    {
        var engine = new ScenarioEngine([PerPeer]);
        var alerts = new List<ScenarioAlert>();
        var peer = NetAddress.FromV4(0xC6120007u);
        for (int i = 0; i < 6; i++)
        {
            engine.Process(new NetEvent { UptimeMicros = 840_000_000L + i * 1_000_000L, Kind = EventKind.FirewallLog, Peer = peer }, alerts);
        }
        engine.Process(new NetEvent { UptimeMicros = -1, Kind = EventKind.FirewallLog, Peer = peer }, alerts);
        Assert.Single(alerts);
        Assert.Equal(1, engine.Untimed);
    }
}
