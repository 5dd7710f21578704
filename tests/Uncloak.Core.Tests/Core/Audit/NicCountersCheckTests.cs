using Uncloak.Core.Audit;
using Uncloak.Core.Audit.Checks;
using Xunit;

namespace Uncloak.Core.Tests.Audit;

/// <summary>Issue 12, item 6 (b): the driver's error counters under each driver's names, with what each means.</summary>
public sealed class NicCountersCheckTests
{
    private static InterfaceSnapshot Nic(string driver, Dictionary<string, long> stats, bool physical = true) => new()
    {
        Name = "eth0",
        IsPhysical = physical,
        OperState = "up",
        Statistics = new Dictionary<string, long> { ["rx_packets"] = 10_000_000, ["tx_packets"] = 10_000_000 },
        Ethtool = new EthtoolState { Driver = driver, Statistics = stats },
    };

    [Theory]
    [InlineData("rx_missed_errors", NicCounter.Kind.RingOverflow)]         // igb, e1000e, ixgbe
    [InlineData("rx_no_buffer_count", NicCounter.Kind.RingOverflow)]       // igb, e1000e, ixgbe
    [InlineData("rx_no_dma_resources", NicCounter.Kind.RingOverflow)]      // ixgbe
    [InlineData("rx_out_of_buffer", NicCounter.Kind.RingOverflow)]         // mlx5
    [InlineData("rx_discards_phy", NicCounter.Kind.RingOverflow)]          // mlx5
    [InlineData("port.rx_discards", NicCounter.Kind.RingOverflow)]         // i40e
    [InlineData("port.rx_dropped", NicCounter.Kind.RingOverflow)]          // i40e before 5.x
    [InlineData("rx_dropped.nic", NicCounter.Kind.RingOverflow)]           // ice
    [InlineData("rx_dropped", NicCounter.Kind.None)]                       // the netdev's, counting unknown protocols too
    [InlineData("rx_queue_3_drops", NicCounter.Kind.RingOverflow)]         // virtio_net
    [InlineData("rx_crc_errors", NicCounter.Kind.WireErrors)]
    [InlineData("port.rx_crc_errors", NicCounter.Kind.WireErrors)]         // i40e
    [InlineData("rx_crc_errors.nic", NicCounter.Kind.WireErrors)]          // ice
    [InlineData("rx_crc_errors_phy", NicCounter.Kind.WireErrors)]          // mlx5
    [InlineData("rx_fcs_err_frames", NicCounter.Kind.WireErrors)]          // bnxt
    [InlineData("tx_timeout_count", NicCounter.Kind.TransmitTimeout)]      // e1000e, igb, ixgbe
    [InlineData("tx_timeout", NicCounter.Kind.TransmitTimeout)]            // ena
    [InlineData("tx_queue_0_tx_timeouts", NicCounter.Kind.TransmitTimeout)] // virtio_net
    [InlineData("tx_aborted_errors", NicCounter.Kind.TransmitAborted)]
    [InlineData("port.tx_dropped_link_down", NicCounter.Kind.TransmitAborted)]
    [InlineData("alloc_rx_buff_failed", NicCounter.Kind.AllocationFailure)] // ixgbe
    [InlineData("pps_allowance_exceeded", NicCounter.Kind.CloudAllowance)]  // ena
    [InlineData("rx_flow_control_xoff", NicCounter.Kind.None)]
    [InlineData("tx_queue_0_packets", NicCounter.Kind.None)]
    public void Driver_names_map_to_what_they_count(string name, NicCounter.Kind kind) => Assert.Equal(kind, NicCounter.Of(name));

    [Fact]
    public void Quiet_counters_pass_and_non_zero_ones_warn_with_their_meaning()
    {
        var quiet = Nic("igb", new() { ["rx_missed_errors"] = 0, ["rx_no_buffer_count"] = 0, ["tx_timeout_count"] = 0, ["rx_flow_control_xon"] = 5 });
        var pass = Assert.Single(new NicCountersCheck().Evaluate(new SystemSnapshot { Interfaces = [quiet] }));
        Assert.Equal(CheckStatus.Pass, pass.Status);
        Assert.Equal("3 error counters at 0 (ethtool -S (igb))", pass.Observed);

        var past = Nic("igb", new() { ["rx_no_buffer_count"] = 37, ["tx_timeout_count"] = 1 });
        var warn = Assert.Single(new NicCountersCheck().Evaluate(new SystemSnapshot { Interfaces = [past] }));
        Assert.Equal(CheckStatus.Warn, warn.Status);
        Assert.Equal("rx_no_buffer_count=37 tx_timeout_count=1 (ethtool -S (igb))", warn.Observed);
        Assert.Contains("rx_no_buffer_count: the NIC received the packet but found no free receive descriptor", warn.Detail, StringComparison.Ordinal);
        Assert.Contains("tx_timeout_count: the transmit queue stopped moving", warn.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_ring_overflows_per_packet_fail_without_a_sample()
    {
        var nic = Nic("mlx5_core", new() { ["rx_out_of_buffer"] = 52_000, ["rx_discards_phy"] = 0 });
        var r = Assert.Single(new NicCountersCheck().Evaluate(new SystemSnapshot { Interfaces = [nic] }));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.StartsWith("0.0052 of received packets lost in the NIC", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_sample_climbing_driver_counters_fail_and_static_ones_warn()
    {
        var first = new SystemSnapshot { Interfaces = [Nic("virtio_net", new() { ["tx_queue_0_tx_timeouts"] = 2, ["rx_queue_0_drops"] = 10 }, physical: false)] };
        var climbing = CounterGrowth.Between(first, new SystemSnapshot { Interfaces = [Nic("virtio_net", new() { ["tx_queue_0_tx_timeouts"] = 3, ["rx_queue_0_drops"] = 10 }, physical: false)] }, TimeSpan.FromSeconds(30));
        var r = Assert.Single(new NicCountersCheck().Evaluate(climbing));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("+1 tx_queue_0_tx_timeouts in 30 s", r.Observed, StringComparison.Ordinal);
        Assert.StartsWith("Climbing now: tx_queue_0_tx_timeouts: the transmit queue stopped moving", r.Detail, StringComparison.Ordinal);
        var still = CounterGrowth.Between(first, first, TimeSpan.FromSeconds(30));
        Assert.Equal(CheckStatus.Warn, Assert.Single(new NicCountersCheck().Evaluate(still)).Status);
    }

    [Fact]
    public void Veth_and_bridges_are_not_judged_and_a_driver_without_known_counters_is_skipped()
    {
        var veth = Nic("veth", new() { ["peer_ifindex"] = 4 }, physical: false);
        Assert.Equal(CheckStatus.Skip, Assert.Single(new NicCountersCheck().Evaluate(new SystemSnapshot { Interfaces = [veth] })).Status);
        var unknown = Nic("exotic", new() { ["frobnications"] = 4 });
        var r = Assert.Single(new NicCountersCheck().Evaluate(new SystemSnapshot { Interfaces = [unknown] }));
        Assert.Equal(CheckStatus.Skip, r.Status);
        Assert.Contains("(exotic)", r.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_driver_statistics_the_sysfs_ring_counters_are_judged_but_not_crc_which_nic_errors_owns()
    {
        var nic = new InterfaceSnapshot
        {
            Name = "eth0",
            IsPhysical = true,
            Statistics = new Dictionary<string, long> { ["rx_packets"] = 1000, ["rx_missed_errors"] = 4, ["rx_crc_errors"] = 9 },
        };
        var r = Assert.Single(new NicCountersCheck().Evaluate(new SystemSnapshot { Interfaces = [nic] }));
        Assert.Equal("rx_missed_errors=4 (sysfs statistics)", r.Observed);
    }
}
