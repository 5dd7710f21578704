using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

public sealed class ForensicsConfigTests
{
    [Fact]
    public void Without_a_forensics_section_outages_are_captured_beside_the_store()
    {
        var config = WatchConfigLoader.Load("u.yaml", "store: /srv/u/uncloak.db\n");
        Assert.True(config.Forensics.Capture);
        Assert.Equal(50, config.Forensics.Keep);
        Assert.Equal(200L << 20, config.Forensics.MaxBytes);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Forensics.Baseline);
        Assert.Equal("/srv/u/incidents", config.Forensics.DirectoryFor("/srv/u/uncloak.db"));
    }

    [Fact]
    public void Every_key_is_read_with_sizes_in_units()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            forensics: { dir: /var/lib/uncloak/incidents, keep: 7, max_bytes: 1GB, max_bundle_bytes: 512KiB, capture: off, baseline: off }
            """.Replace("512KiB", "2MiB", StringComparison.Ordinal));
        var f = config.Forensics;
        Assert.Equal(("/var/lib/uncloak/incidents", 7, 1L << 30, 2L << 20, false, TimeSpan.Zero), (f.Directory, f.Keep, f.MaxBytes, f.MaxBundleBytes, f.Capture, f.Baseline));
        Assert.Equal("/var/lib/uncloak/incidents", f.DirectoryFor("/elsewhere/u.db"));
    }

    [Fact]
    public void Every_error_in_the_section_is_reported_with_its_line()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            forensics:
              dir: incidents
              keep: 0
              max_bytes: lots
              capture: sometimes
              colour: red
            """));
        var lines = e.Errors.Select(x => (x.Line, x.Message)).ToList();
        Assert.Contains(lines, l => l.Line == 2 && l.Message.Contains("absolute path", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 3 && l.Message.Contains("from 1 to", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 4 && l.Message.Contains("200MB", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 5 && l.Message.Contains("on or off", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 6 && l.Message.Contains("colour", StringComparison.Ordinal));
        Assert.Equal(5, e.Errors.Count);
    }

    [Fact]
    public void The_packet_ring_is_on_by_default_for_the_service_ports_only()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            probes:
              - { name: site, http: "https://127.0.0.1/health" }
              - { name: ssh, tcp: "127.0.0.1:22" }
              - { name: api, http: "http://127.0.0.1:8080/", vantage: { self: "203.0.113.7:8443" } }
            """);
        var p = config.Forensics.Packets;
        Assert.NotNull(p);
        Assert.Equal((PacketPorts.Service, TimeSpan.FromSeconds(10), 4L << 20, 50_000, 128, "any"), (p.Ports, p.Window, p.MaxBytes, p.MaxPackets, p.SnapLength, p.Interface));
        Assert.Equal([22, 443, 8080, 8443], PacketsConfig.ServicePorts(config.Probes));
    }

    [Fact]
    public void Every_packet_ring_key_is_read_and_off_turns_it_off()
    {
        var config = WatchConfigLoader.Load("u.yaml", """
            forensics:
              packets: { window: 30s, max_bytes: 1MB, max_packets: 5000, snaplen: 96, interface: eth0, ports: [443, 80, 443] }
            """);
        var p = config.Forensics.Packets!;
        Assert.Equal((PacketPorts.List, TimeSpan.FromSeconds(30), 1L << 20, 5000, 96, "eth0"), (p.Ports, p.Window, p.MaxBytes, p.MaxPackets, p.SnapLength, p.Interface));
        Assert.Equal([80, 443], p.PortList);
        Assert.Equal(PacketPorts.All, WatchConfigLoader.Load("u.yaml", "forensics: { packets: { ports: all } }\n").Forensics.Packets!.Ports);
        Assert.Null(WatchConfigLoader.Load("u.yaml", "forensics: { packets: off }\n").Forensics.Packets);
        Assert.Null(WatchConfigLoader.Load("u.yaml", "forensics: { packets: { enabled: false, window: 5s } }\n").Forensics.Packets);
    }

    [Fact]
    public void Every_packet_ring_error_is_reported_with_its_line()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            forensics:
              packets:
                window: soon
                max_bytes: 1KB
                max_packets: 0
                snaplen: 20
                interface: "eth0/x"
                ports: [443, http, 70000]
                promiscuous: yes
            """));
        var lines = e.Errors.Select(x => (x.Line, x.Message)).ToList();
        Assert.Contains(lines, l => l.Line == 3 && l.Message.Contains("duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 4 && l.Message.Contains("size", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 5 && l.Message.Contains("from 16 to", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 6 && l.Message.Contains("from 64 to", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 7 && l.Message.Contains("interface name", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 8 && l.Message.Contains("'http'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 8 && l.Message.Contains("'70000'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 9 && l.Message.Contains("promiscuous", StringComparison.Ordinal));
        Assert.Equal(8, e.Errors.Count);
        var scalar = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", "forensics:\n  packets: { ports: some }\n"));
        Assert.Contains("service, all, or a list", Assert.Single(scalar.Errors).Message, StringComparison.Ordinal);
    }
}
