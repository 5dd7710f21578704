using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

/// <summary>Issue 15: every key of <c>sources: capture:</c> is read, bounded, and a bad one is reported with its line.</summary>
public sealed class CaptureConfigTests
{
    private static WatchConfig Load(string capture) => WatchConfigLoader.Load("u.yaml", "sources:\n  capture:\n" + capture);

    [Fact]
    public void The_capture_source_is_off_unless_configured()
    {
        Assert.Null(WatchConfigLoader.Load("u.yaml", "sources:\n  kmsg: false\n").Capture);
        Assert.Null(WatchConfigLoader.Load("u.yaml", "sources:\n  capture: off\n").Capture);
        Assert.Null(WatchConfigLoader.Load("u.yaml", "sources:\n  capture: false\n").Capture);
        Assert.Null(Load("    enabled: false\n    interface: eth0\n").Capture);
    }

    [Fact]
    public void An_empty_capture_map_means_every_default()
    {
        var c = WatchConfigLoader.Load("u.yaml", "sources:\n  capture: {}\n").Capture;
        Assert.Equal(new CaptureConfig(), c);
        Assert.Equal(("any", 8, 160, 200_000, 262_144), (c!.Interface, c.RingMegabytes, c.SnapLength, c.MaxPacketsPerSecond, c.MaxFlows));
    }

    [Fact]
    public void Every_capture_key_is_read()
    {
        var c = Load("""
                interface: eth0
                ring_mb: 32
                snaplen: 128
                max_packets_per_second: 50000
                max_flows: 4096
                zero_window_hold: 30s
                slow_read: 1m
                tiny_window: 512
                syn_flood_syns: 1000
                count_window: 5s
            """).Capture!;
        Assert.Equal(new CaptureConfig
        {
            Interface = "eth0",
            RingMegabytes = 32,
            SnapLength = 128,
            MaxPacketsPerSecond = 50_000,
            MaxFlows = 4096,
            ZeroWindowHold = TimeSpan.FromSeconds(30),
            SlowRead = TimeSpan.FromMinutes(1),
            TinyWindowBytes = 512,
            SynFloodSyns = 1000,
            CountWindow = TimeSpan.FromSeconds(5),
        }, c);
    }

    [Fact]
    public void Every_bad_capture_key_is_reported_at_once_with_its_line()
    {
        var e = Assert.Throws<ConfigException>(() => Load("""
                interface: eth0/1
                ring_mb: 0
                snaplen: 20
                max_packets_per_second: 10
                max_flows: 8
                zero_window_hold: soon
                tiny_window: 0
                syn_flood_syns: -1
                count_window: 10
                colour: red
            """));
        var lines = e.Errors.Select(x => x.Line).Order().ToList();
        Assert.Equal(Enumerable.Range(3, 10).ToList(), lines);
        Assert.Contains(e.Errors, x => x.Line == 3 && x.Message.Contains("not an interface name", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Line == 8 && x.Message.Contains("duration", StringComparison.Ordinal));
        Assert.Contains(e.Errors, x => x.Line == 12 && x.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("interface: any", true)]
    [InlineData("interface: enp3s0f1", true)]
    [InlineData("interface: a-very-long-name16", false)]
    [InlineData("interface: \"eth 0\"", false)]
    [InlineData("ring_mb: 1024", true)]
    [InlineData("ring_mb: 1025", false)]
    [InlineData("snaplen: 64", true)]
    [InlineData("snaplen: 65536", false)]
    [InlineData("max_flows: 16", true)]
    [InlineData("max_flows: 16777217", false)]
    public void Capture_bounds_are_inclusive(string line, bool valid)
    {
        var load = () => Load("    " + line + "\n");
        if (valid)
        {
            Assert.NotNull(load());
        }
        else
        {
            Assert.Single(Assert.Throws<ConfigException>(load).Errors);
        }
    }
}
