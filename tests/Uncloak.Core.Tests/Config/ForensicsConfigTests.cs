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
}
