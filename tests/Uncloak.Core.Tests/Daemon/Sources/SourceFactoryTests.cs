using Uncloak.Config;
using Uncloak.Daemon.Sources;
using Xunit;

namespace Uncloak.Core.Tests.Daemon.Sources;

/// <summary>The daemon's sources come from its config, one registration per kind, in start order.</summary>
public sealed class SourceFactoryTests
{
    [Fact]
    public void The_shipped_defaults_read_kmsg_and_the_host_signals()
    {
        var names = SourceFactory.Create(new WatchConfig(), TimeProvider.System).Select(s => s.Name).ToList();

        Assert.Equal(2, names.Count);
        Assert.StartsWith("kmsg:", names[0], StringComparison.Ordinal);
        Assert.Equal("host-signals", names[1]);
    }

    [Fact]
    public void Each_kind_reads_only_its_own_keys_and_starts_in_registration_order()
    {
        var config = new WatchConfig
        {
            Kmsg = false,
            JournalUnits = ["nginx.service"],
            SignalsInterval = null,
            Files = [new FileSourceConfig("/var/log/kern.log", false), new FileSourceConfig("/var/log/syslog", true)],
            Capture = new CaptureConfig { Interface = "eth0" },
        };

        var names = SourceFactory.Create(config, TimeProvider.System).Select(s => s.Name);

        Assert.Equal(["journal:nginx.service", "file:/var/log/kern.log", "file:/var/log/syslog", "capture:eth0"], names);
    }

    [Fact]
    public void The_registered_kinds_are_the_documented_ones_in_start_order()
    {
        var kinds = SourceFactory.Kinds.Select(k => k.Kind).ToList();

        Assert.Equal(["kmsg", "journal", "host-signals", "file", "capture"], kinds);
    }

    [Fact]
    public void A_config_with_every_source_off_builds_none()
    {
        var config = new WatchConfig { Kmsg = false, SignalsInterval = null };

        Assert.Empty(SourceFactory.Create(config, TimeProvider.System));
    }
}
