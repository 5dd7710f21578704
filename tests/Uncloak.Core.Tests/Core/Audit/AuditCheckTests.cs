using System.Net;
using Uncloak.Core.Audit;
using Uncloak.Core.Audit.Checks;
using Uncloak.Core.Events;
using Uncloak.Linux.Audit;
using Xunit;

namespace Uncloak.Core.Tests.Audit;

/// <summary>Edge cases of single checks over hand-built snapshots: the kernel's combination rules, versions, parsing.</summary>
public sealed class AuditCheckTests
{
    private static SystemSnapshot With(Dictionary<string, string> sysctls, params InterfaceSnapshot[] interfaces) =>
        new() { KernelRelease = "6.18.44", Sysctls = sysctls, Interfaces = interfaces };

    private static InterfaceSnapshot Nic(string name) => new() { Name = name, IsPhysical = true, OperState = "up" };

    [Fact]
    public void Rp_filter_is_the_maximum_of_all_and_the_interface()
    {
        var s = With(new() { ["net.ipv4.conf.all.rp_filter"] = "1", ["net.ipv4.conf.eth0.rp_filter"] = "0", ["net.ipv4.conf.eth1.rp_filter"] = "2" }, Nic("eth0"), Nic("eth1"));
        var results = new RpFilterCheck().Evaluate(s).ToList();
        Assert.All(results, r => Assert.Equal(CheckStatus.Pass, r.Status));
        var off = With(new() { ["net.ipv4.conf.all.rp_filter"] = "0", ["net.ipv4.conf.eth0.rp_filter"] = "0" }, Nic("eth0"));
        var r0 = Assert.Single(new RpFilterCheck().Evaluate(off));
        Assert.Equal(CheckStatus.Warn, r0.Status);
        Assert.Equal("eth0", r0.Subject);
        Assert.Contains(new SysctlChange("net.ipv4.conf.all.rp_filter", "1"), r0.Fix!.Sysctls);
    }

    [Fact]
    public void Accept_redirects_is_on_if_all_or_the_interface_is_on()
    {
        var onlyIface = With(new() { ["net.ipv4.conf.all.accept_redirects"] = "0", ["net.ipv4.conf.default.accept_redirects"] = "0", ["net.ipv4.conf.eth0.accept_redirects"] = "1" }, Nic("eth0"));
        var r = Assert.Single(new AcceptRedirectsCheck().Evaluate(onlyIface));
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Equal([new SysctlChange("net.ipv4.conf.eth0.accept_redirects", "0")], r.Fix!.Sysctls);
        var off = With(new() { ["net.ipv4.conf.all.accept_redirects"] = "0", ["net.ipv4.conf.default.accept_redirects"] = "0", ["net.ipv4.conf.eth0.accept_redirects"] = "0" }, Nic("eth0"));
        Assert.Equal(CheckStatus.Pass, Assert.Single(new AcceptRedirectsCheck().Evaluate(off)).Status);
    }

    [Fact]
    public void Interface_names_with_dots_are_written_in_slash_form()
    {
        var s = With(new() { ["net.ipv4.conf.all.send_redirects"] = "0", ["net.ipv4.conf.default.send_redirects"] = "0", ["net.ipv4.conf.eth0.100.send_redirects"] = "1" }, Nic("eth0.100"));
        var change = Assert.Single(Assert.Single(new SendRedirectsCheck().Evaluate(s)).Fix!.Sysctls);
        Assert.Equal("net/ipv4/conf/eth0.100/send_redirects", change.Key);
        Assert.Equal("net/ipv4/conf/eth0.100/send_redirects", change.ProcPath);
    }

    [Fact]
    public void Source_route_needs_all_and_the_interface_so_all_zero_only_warns()
    {
        var latent = With(new() { ["net.ipv4.conf.all.accept_source_route"] = "0", ["net.ipv4.conf.default.accept_source_route"] = "1", ["net.ipv4.conf.eth0.accept_source_route"] = "1" }, Nic("eth0"));
        Assert.Equal(CheckStatus.Warn, Assert.Single(new SourceRouteCheck().Evaluate(latent)).Status);
        var live = With(new() { ["net.ipv4.conf.all.accept_source_route"] = "1", ["net.ipv4.conf.default.accept_source_route"] = "1", ["net.ipv4.conf.eth0.accept_source_route"] = "1" }, Nic("eth0"));
        Assert.Equal(CheckStatus.Warn, Assert.Single(new SourceRouteCheck().Evaluate(live)).Status); // Medium severity: warn, with both keys in the fix
        Assert.Equal(2, Assert.Single(new SourceRouteCheck().Evaluate(live)).Fix!.Sysctls.Count);
    }

    [Theory]
    [InlineData(0, CheckStatus.Fail)]
    [InlineData(1, CheckStatus.Pass)]
    [InlineData(2, CheckStatus.Fail)]
    public void Syncookies_only_one_passes(int value, CheckStatus expected) =>
        Assert.Equal(expected, Assert.Single(new SynCookiesCheck().Evaluate(With(new() { ["net.ipv4.tcp_syncookies"] = value.ToString() }))).Status);

    [Fact]
    public void Abort_on_overflow_is_at_most_a_warning()
    {
        var r = Assert.Single(new AbortOnOverflowCheck().Evaluate(With(new() { ["net.ipv4.tcp_abort_on_overflow"] = "1" })));
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("load balancer", r.Rationale);
    }

    [Fact]
    public void Missing_sysctls_skip_with_a_reason()
    {
        var r = Assert.Single(new SynCookiesCheck().Evaluate(With([])));
        Assert.Equal(CheckStatus.Skip, r.Status);
        Assert.Contains("tcp_syncookies", r.Detail);
    }

    [Theory]
    [InlineData("6.18.44-fc-v657", 6, 18, 44)]
    [InlineData("5.10.0-28-amd64", 5, 10, 0)]
    [InlineData("4.19.0-25-amd64", 4, 19, 0)]
    [InlineData("3.2", 3, 2, 0)]
    public void Kernel_versions_parse(string release, int major, int minor, int patch) =>
        Assert.Equal(new Version(major, minor, patch), SystemSnapshot.ParseKernelVersion(release));

    [Theory]
    [InlineData("")]
    [InlineData("linux")]
    [InlineData("6")]
    public void Non_versions_do_not_parse(string release) => Assert.Null(SystemSnapshot.ParseKernelVersion(release));

    [Theory]
    [InlineData("6.18.44", 256, CheckStatus.Pass)]
    [InlineData("5.10.0", 20, CheckStatus.Pass)]   // 5.6–5.17: moves, but nothing blocks after init
    [InlineData("4.19.0", 163, CheckStatus.Warn)]  // before 5.6 a low pool blocks /dev/random
    [InlineData("4.19.0", 3000, CheckStatus.Pass)]
    public void Entropy_matters_only_before_5_6(string kernel, int avail, CheckStatus expected)
    {
        var s = new SystemSnapshot { KernelRelease = kernel, EntropyAvailable = avail };
        Assert.Equal(expected, Assert.Single(new EntropyCheck().Evaluate(s)).Status);
    }

    [Fact]
    public void Zero_window_message_on_a_kernel_without_dynamic_debug_is_a_fact_not_a_finding()
    {
        var s = new SystemSnapshot { KernelRelease = "6.18.44" };
        var r = Assert.Single(new ZeroWindowMessageCheck().Evaluate(s));
        Assert.Equal(CheckStatus.Info, r.Status);
        Assert.Contains("CONFIG_DYNAMIC_DEBUG", r.Detail);
        var old = Assert.Single(new ZeroWindowMessageCheck().Evaluate(new SystemSnapshot { KernelRelease = "3.10.0" }));
        Assert.Equal(CheckStatus.Pass, old.Status); // before ≈3.19 the message is printed by default
    }

    [Fact]
    public void Zero_window_message_knows_a_built_kernel_without_a_mounted_debugfs_from_one_without_dynamic_debug()
    {
        var mountable = new SystemSnapshot { KernelRelease = "4.19.0", DynamicDebug = DynamicDebugState.Absent with { Built = true, ConfigSource = "/boot/config-4.19.0" } };
        var r = Assert.Single(new ZeroWindowMessageCheck().Evaluate(mountable));
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("mount -t debugfs", r.Fix!.Manual);
        var compiledOut = new SystemSnapshot { KernelRelease = "6.18.44", DynamicDebug = DynamicDebugState.Absent with { Built = false, ConfigSource = "/proc/config.gz" } };
        var c = Assert.Single(new ZeroWindowMessageCheck().Evaluate(compiledOut));
        Assert.Equal(CheckStatus.Info, c.Status);
        Assert.Contains("built without CONFIG_DYNAMIC_DEBUG (/proc/config.gz)", c.Detail);
    }

    [Theory]
    [InlineData("net/ipv4/tcp_timer.c:541 [tcp_timer]tcp_retransmit_timer =p \"Probing zero-window on %pI4:%u/%u, seq=%u:%u\\012\"", 541, true)]
    [InlineData("net/ipv4/tcp_timer.c:480 [tcp_timer]tcp_retransmit_timer =_ \"Peer %pI4:%u/%u unexpectedly shrunk window %u:%u (repaired)\\012\"", 480, false)]
    [InlineData("net/ipv4/tcp_timer.c:480 [tcp_timer]tcp_retransmit_timer =pmfl \"x\"", 480, true)]
    public void Dynamic_debug_lines_parse(string line, int lineNo, bool enabled)
    {
        Assert.True(SnapshotReader.TryParseDynamicDebugSite(line, out var site));
        Assert.Equal(lineNo, site.Line);
        Assert.Equal("tcp_retransmit_timer", site.Function);
        Assert.Equal(enabled, site.Enabled);
    }

    [Theory]
    [InlineData("net/ipv4/tcp_input.c:7201 [tcp_input]pr_drop_req =_ \"drop open request\"")]
    [InlineData("net/ipv4/tcp_timer.c:abc [tcp_timer]f =p \"x\"")]
    [InlineData("# filename:lineno [module]function flags format")]
    public void Other_dynamic_debug_lines_are_ignored(string line) => Assert.False(SnapshotReader.TryParseDynamicDebugSite(line, out _));

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(7, 7, 6)]
    [InlineData(2, 1, 1)]  // down now after a flap
    [InlineData(0, 0, 0)]  // registered with the carrier on, never flapped
    public void Link_flaps_count_downs_after_the_first(long down, long up, long flaps) =>
        Assert.Equal(flaps, new InterfaceSnapshot { Name = "eth0", CarrierDownCount = down, CarrierUpCount = up }.LinkFlaps);

    [Fact]
    public void Link_modes_decode_bits_and_speeds()
    {
        var modes = LinkModes.FromMask([0b10_0110_1111u]); // bits 0,1,2,3,5,6,9
        Assert.Equal(["10baseT_Half", "10baseT_Full", "100baseT_Half", "100baseT_Full", "1000baseT_Full", "Autoneg", "MII"], modes);
        Assert.Equal(1000, LinkModes.MaxSpeed(modes));
        Assert.Null(LinkModes.SpeedOf("Autoneg"));
        Assert.Equal(100, LinkModes.BestCommonSpeed(modes, ["100baseT_Full", "10000baseT_Full"]));
        Assert.Equal("bit200", LinkModes.Name(200));
    }

    [Fact]
    public void Speed_below_what_both_ends_advertise_is_a_downshift()
    {
        var nic = Nic("eth0") with
        {
            SpeedMbps = 100,
            Duplex = Duplex.Full,
            Ethtool = new EthtoolState { Autoneg = true, Supported = ["100baseT_Full", "1000baseT_Full", "Autoneg"], Advertised = ["100baseT_Full", "1000baseT_Full"], LinkPartner = ["100baseT_Full", "1000baseT_Full", "Autoneg"] },
        };
        var r = Assert.Single(new NicSpeedCheck().Evaluate(new SystemSnapshot { Interfaces = [nic] }));
        Assert.Equal(CheckStatus.Warn, r.Status);
        Assert.Contains("downshifted", r.Detail);
    }

    [Fact]
    public void Forced_autoneg_on_this_side_proposes_turning_it_on()
    {
        var nic = Nic("eth0") with { SpeedMbps = 100, Duplex = Duplex.Full, Ethtool = new EthtoolState { Autoneg = false, Supported = ["100baseT_Full", "Autoneg"] } };
        var r = Assert.Single(new NicAutonegCheck().Evaluate(new SystemSnapshot { Interfaces = [nic] }));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("ethtool -s eth0 autoneg on", Assert.Single(r.Fix!.Nic).Command);
    }

    [Fact]
    public void Virtual_interfaces_are_not_judged_as_nics()
    {
        var s = new SystemSnapshot { Interfaces = [new InterfaceSnapshot { Name = "eth0", IsPhysical = false, Duplex = Duplex.Half, Ethtool = new EthtoolState { Driver = "virtio_net" } }] };
        var r = Assert.Single(new NicDuplexCheck().Evaluate(s));
        Assert.Equal(CheckStatus.Skip, r.Status);
        Assert.Contains("eth0 (virtio_net)", r.Detail);
    }

    [Fact]
    public void Listener_backlog_is_judged_on_web_ports_only()
    {
        var s = new SystemSnapshot
        {
            ListenersKnown = true,
            Sysctls = new Dictionary<string, string> { ["net.core.somaxconn"] = "4096" },
            Listeners = [new(IPAddress.Any, 22, 5, 0), new(IPAddress.Any, 443, 64, 0), new(IPAddress.IPv6Any, 80, 300, 0), new(IPAddress.Any, 80, 4096, 3000)],
        };
        var results = new ListenerBacklogCheck().Evaluate(s).ToDictionary(r => r.Subject!, r => r.Status);
        Assert.Equal(3, results.Count);
        Assert.Equal(CheckStatus.Fail, results["0.0.0.0:443"]);
        Assert.Equal(CheckStatus.Warn, results["[::]:80"]);
        Assert.Equal(CheckStatus.Warn, results["0.0.0.0:80"]); // accept queue over half full right now
    }

    [Fact]
    public void Conntrack_headroom_fix_stays_within_memory()
    {
        var s = new SystemSnapshot { Conntrack = new ConntrackState(900_000, 1_000_000, 262144), MemoryTotalBytes = 1L << 30 };
        var r = Assert.Single(new ConntrackCheck().Evaluate(s));
        Assert.Equal(CheckStatus.Fail, r.Status);
        // 1 GiB affords 1 GiB / 10 / 320 B ≈ 335544 entries: the fix cannot grow the table, so it says what else to do.
        Assert.Contains(r.Fix!.Sysctls, c => c.Key == "net.netfilter.nf_conntrack_max" && long.Parse(c.Value) <= (1L << 30) / 10 / ConntrackCheck.BytesPerEntry);
    }

    [Fact]
    public void Growing_crc_errors_fail_and_static_ones_only_warn()
    {
        InterfaceSnapshot Reading(long crc, long collisions) => Nic("eth0") with
        {
            Duplex = Duplex.Half,
            SpeedMbps = 100,
            Statistics = new Dictionary<string, long> { ["rx_crc_errors"] = crc, ["collisions"] = collisions, ["rx_packets"] = 10_000_000, ["tx_packets"] = 10_000_000 },
        };
        var first = new SystemSnapshot { Interfaces = [Reading(5, 10)] };
        var growing = CounterGrowth.Between(first, new SystemSnapshot { Interfaces = [Reading(9, 10)] }, TimeSpan.FromSeconds(60));
        var r = Assert.Single(new NicErrorsCheck().Evaluate(growing));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("+4 CRC/frame errors and +0 collisions in 60 s", r.Observed);
        var still = CounterGrowth.Between(first, new SystemSnapshot { Interfaces = [Reading(5, 10)] }, TimeSpan.FromSeconds(60));
        Assert.Equal(CheckStatus.Warn, Assert.Single(new NicErrorsCheck().Evaluate(still)).Status);
        // Without a second reading, a tiny total is judged by its ratio: a warning, not a failure.
        Assert.Equal(CheckStatus.Warn, Assert.Single(new NicErrorsCheck().Evaluate(first)).Status);
        // A counter that went backwards (driver reload) is not growth.
        var reset = CounterGrowth.Between(new SystemSnapshot { Interfaces = [Reading(500, 10)] }, new SystemSnapshot { Interfaces = [Reading(3, 10)] }, TimeSpan.FromSeconds(60));
        Assert.Equal(0, reset.Interfaces[0].Growth!.Delta("rx_crc_errors"));
        Assert.False(reset.Interfaces[0].Growth!.Deltas.ContainsKey("rx_crc_errors"));
    }

    [Fact]
    public void Every_check_has_an_id_rationale_and_expectation_and_ids_are_unique()
    {
        Assert.Equal(AuditChecks.All.Count, AuditChecks.All.Select(c => c.Id).Distinct().Count());
        Assert.All(AuditChecks.All, c =>
        {
            Assert.Matches("^[a-z0-9]+\\.[a-z0-9_]+$", c.Id);
            Assert.True(c.Rationale.Length > 150, c.Id);
            Assert.False(string.IsNullOrWhiteSpace(c.Expected), c.Id);
            Assert.False(string.IsNullOrWhiteSpace(c.Title), c.Id);
        });
    }

    [Fact]
    public void Docs_describe_every_check()
    {
        var docs = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "docs", "audit.md"));
        Assert.All(AuditChecks.All, c =>
        {
            Assert.Contains($"### `{c.Id}`", docs);
            Assert.Contains($"**{c.Title}.** Severity: {c.Severity.ToString().ToLowerInvariant()}. Expected: {c.Expected}.", docs);
            Assert.Contains(c.Rationale, docs); // the reasoning printed by the tool and the one in the manual are the same text
        });
    }
}
