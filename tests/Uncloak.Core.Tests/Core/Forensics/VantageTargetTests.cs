using Uncloak.Core.Events;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Localization;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>Vantage targets and the probe file the bundle carries them in.</summary>
public sealed class VantageTargetTests
{
    [Theory]
    [InlineData("198.18.3.1", "198.18.3.1", 0)]
    [InlineData("198.18.3.1:80", "198.18.3.1", 80)]
    [InlineData("2001:2::3", "2001:2::3", 0)]
    [InlineData("[2001:2::3]:443", "2001:2::3", 443)]
    public void Addresses_are_icmp_targets_and_address_port_pairs_tcp_ones(string text, string address, int port)
    {
        Assert.True(VantageTarget.TryParse(text, out var t));
        Assert.Equal(NetAddress.Parse(address), t.Address);
        Assert.Equal(port, t.Port);
        Assert.Equal(text, t.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("example.net")]
    [InlineData("example.net:80")]
    [InlineData("198.18.3.1:0")]
    [InlineData("198.18.3.1:70000")]
    [InlineData("[198.18.3.1]:80")]
    [InlineData("198.18.3.1:")]
    public void Names_and_bad_ports_are_refused(string text) => Assert.False(VantageTarget.TryParse(text, out _));

    [Fact]
    public void The_probe_file_written_reads_back_and_feeds_the_lan_rule()
    {
        var t = new DateTime(2026, 12, 3, 17, 0, 1, 250, DateTimeKind.Utc);
        VantageProbe[] probes =
        [
            new(t, Vantage.Gateway, "198.18.0.1", false, VantageFailure.NeighbourFailed, TimeSpan.FromMilliseconds(1000)),
            new(t, Vantage.Upstream, "198.18.3.1:80", false, VantageFailure.Unreachable, TimeSpan.FromMilliseconds(2.5)),
            new(t, Vantage.Self, "198.18.0.2:8080", true, "", TimeSpan.FromMilliseconds(0.125)),
        ];
        var text = VantageProbeText.Format(probes);

        var evidence = IncidentEvidence.FromDump(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Equal(probes, evidence.AllProbes);
        var verdict = Localizer.Localize(evidence);
        Assert.Equal(Layer.Lan, verdict.Layer);
    }
}
