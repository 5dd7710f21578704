using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

public sealed class ScenarioValidationTests
{
    private const string Profiles = """
        profiles:
          - name: ban
            ban: { duration: 1h }
          - name: alert
        """;

    private static ConfigException Fails(string scenario)
        => Assert.Throws<ConfigException>(() => ScenarioLoader.Load([("profiles.yaml", Profiles), ("bad.yaml", scenario)]));

    [Fact]
    public void Every_error_of_a_file_is_reported_at_once_with_its_line()
    {
        var e = Fails("""
            name: x
            kinds: [treason, nonsense]
            capacity: -1
            leak_every: soon
            profile: ban
            colour: blue
            """);
        var lines = e.Errors.Select(x => x.ToString()).ToList();
        Assert.Contains(lines, l => l.StartsWith("bad.yaml:2:", StringComparison.Ordinal) && l.Contains("unknown event kind 'nonsense'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bad.yaml:3:", StringComparison.Ordinal) && l.Contains("'capacity'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bad.yaml:4:", StringComparison.Ordinal) && l.Contains("duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("bad.yaml:6:", StringComparison.Ordinal) && l.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void Min_count_keeps_only_events_counting_that_many_and_a_negative_one_is_an_error()
    {
        var config = ScenarioLoader.Load([("profiles.yaml", Profiles), ("swarm.yaml", """
            name: swarm
            kinds: [zero_window_hold]
            min_count: 8
            capacity: 1
            leak_every: 1m
            profile: ban
            """)]);
        var filter = config.Scenarios.Single().Filter;
        Assert.Equal(8, filter.MinCount);
        var hold = new Events.NetEvent { Kind = Events.EventKind.ZeroWindowHold, Count = 8 };
        Assert.True(filter.Matches(hold));
        Assert.False(filter.Matches(hold with { Count = 7 }));

        var e = Fails("""
            name: x
            kinds: [zero_window_hold]
            min_count: -1
            capacity: 1
            leak_every: 1m
            profile: ban
            """);
        Assert.StartsWith("bad.yaml:3:", e.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_is_a_cooldown_and_a_min_held_but_never_a_leak_rate()
    {
        var config = ScenarioLoader.Load([("profiles.yaml", Profiles), ("eager.yaml", """
            name: eager
            kinds: [zero_window_hold]
            min_held: 0s
            cooldown: 0s
            capacity: 2
            leak_every: 2m
            profile: ban
            """)]);
        var scenario = config.Scenarios.Single();
        Assert.Equal(TimeSpan.Zero, scenario.Cooldown);
        Assert.Equal(TimeSpan.Zero, scenario.Filter.MinHeld);

        var e = Fails("""
            name: x
            kinds: [zero_window_hold]
            capacity: 1
            leak_every: 0s
            profile: ban
            """);
        Assert.StartsWith("bad.yaml:4:", e.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Contains("'leak_every' must be a duration such as 500ms", e.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Min_held_keeps_only_holds_shut_that_long_lets_other_kinds_pass_and_needs_zero_window_hold()
    {
        var config = ScenarioLoader.Load([("profiles.yaml", Profiles), ("holders.yaml", """
            name: holders
            kinds: [zero_window_hold, treason]
            min_held: 15s
            capacity: 2
            leak_every: 2m
            profile: ban
            """)]);
        var filter = config.Scenarios.Single().Filter;
        Assert.Equal(TimeSpan.FromSeconds(15), filter.MinHeld);
        var hold = new Events.NetEvent { Kind = Events.EventKind.ZeroWindowHold, Count = 1, Millis = 15_000 };
        Assert.True(filter.Matches(hold));
        Assert.False(filter.Matches(hold with { Millis = 14_999 }));
        Assert.True(filter.Matches(new Events.NetEvent { Kind = Events.EventKind.Treason }));

        var e = Fails("""
            name: x
            kinds: [treason]
            min_held: 15s
            capacity: 1
            leak_every: 1m
            profile: ban
            """);
        Assert.Equal("bad.yaml:3:11: 'min_held' filters zero_window_hold events (how long the window was held shut): add zero_window_hold to 'kinds' or remove it",
            e.Errors.Single().ToString());
        var bad = Fails("""
            name: y
            kinds: [zero_window_hold]
            min_held: a while
            capacity: 1
            leak_every: 1m
            profile: ban
            """);
        Assert.StartsWith("bad.yaml:3:11: 'min_held' must be a duration", bad.Errors.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_zero_window_holders_wait_for_a_hold_of_seconds_not_a_pause()
    {
        var shipped = ScenarioLoader.LoadFolders([Path.Combine(AppContext.BaseDirectory, "config", "scenarios")]);
        var holders = shipped.Scenarios.Single(s => s.Name == "zero-window-holders").Filter;
        Assert.InRange(holders.MinHeld, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.Zero, shipped.Scenarios.Single(s => s.Name == "zero-window-swarms").Filter.MinHeld);
    }

    [Fact]
    public void A_ban_on_spoofable_syn_flood_events_is_refused()
    {
        var e = Fails("""
            name: syn-ban
            kinds: [syn_recv_flood]
            capacity: 1
            leak_every: 1m
            profile: ban
            """);
        Assert.Contains("forged", e.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tcp_flags: [syn]\n")]
    [InlineData("tcp_flags: [ack, rst]\n")]
    public void A_ban_on_firewall_log_lines_is_refused_whatever_flags_it_counts(string flags)
    {
        // Issue 17 item 1: a LOG line proves no reply path, so forged packets must never ban.
        var e = Fails("name: scan-ban\nkinds: [firewall_log]\n" + flags + "distinct: local_port\ncapacity: 10\nleak_every: 1m\nprofile: ban\n");
        Assert.Contains("forged", e.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Contains("firewall LOG line", e.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_profile_and_a_yaml_syntax_error_are_both_reported()
    {
        var e = Assert.Throws<ConfigException>(() => ScenarioLoader.Load([
            ("profiles.yaml", Profiles),
            ("a.yaml", "name: a\nkinds: [treason]\ncapacity: 1\nleak_every: 1m\nprofile: nowhere\n"),
            ("b.yaml", "name: [unclosed\n"),
        ]));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains(e.Errors, x => x.File == "a.yaml" && x.Message.Contains("'nowhere' is not defined", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.File == "b.yaml" && x.Message.StartsWith("YAML syntax", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("name: unclosed\nkinds: {treason\ncapacity: 2\n")]
    [InlineData("name: unclosed\nkinds: [treason\ncapacity: 2\n")]
    public void An_unclosed_flow_collection_that_trips_the_yaml_scanner_is_a_located_error_not_a_crash(string text)
    {
        // YamlDotNet throws a bare InvalidOperationException on these (not a YamlException): it used to escape config
        // check (exit 1 with a stack trace) and a SIGHUP reload (a daemon that served /metrics but read no more events).
        var e = Assert.Throws<ConfigException>(() => ScenarioLoader.Load([("profiles.yaml", Profiles), ("c.yaml", text)]));
        var error = Assert.Single(e.Errors);
        Assert.Equal("c.yaml", error.File);
        Assert.True(error.Line >= 1 && error.Column >= 1, error.ToString());
        Assert.StartsWith("YAML syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_drop_in_replaces_a_scenario_by_name_or_disables_it()
    {
        var config = ScenarioLoader.Load([
            ("profiles.yaml", Profiles),
            ("a.yaml", "name: a\nkinds: [treason]\ncapacity: 1\nleak_every: 1m\nprofile: ban\n---\nname: b\nkinds: [slow_read]\ncapacity: 1\nleak_every: 1m\nprofile: ban\n"),
            ("override.yaml", "name: a\nkinds: [treason]\ncapacity: 9\nleak_every: 1m\nprofile: alert\n---\nname: b\nenabled: false\n"),
        ]);
        var a = Assert.Single(config.Scenarios);
        Assert.Equal(9, a.Capacity);
        Assert.Equal("alert", a.Profile);
    }

    [Fact]
    public void The_shipped_scenarios_load_without_errors()
    {
        var config = ScenarioLoader.LoadFolders([ReplayCaseTests.ShippedScenarios]);
        Assert.Equal(7, config.Scenarios.Count);
    }
}
