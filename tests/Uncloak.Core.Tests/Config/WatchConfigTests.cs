using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

public sealed class WatchConfigTests
{
    [Fact]
    public void The_shipped_example_config_is_valid_and_means_the_defaults()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "config", "uncloak.yaml");
        var config = WatchConfigLoader.LoadFile(path, mustExist: true);
        Assert.True(config.Kmsg);
        Assert.Equal(TimeSpan.FromSeconds(1), config.SignalsInterval);
        Assert.Equal("127.0.0.1:9477", config.Metrics);
        Assert.Empty(config.Probes);
    }

    [Fact]
    public void Every_error_in_uncloak_yaml_is_reported_with_its_line()
    {
        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            sources:
              kmsg: maybe
              sockets: { interval: soon }
            probes:
              - name: site
                http: ftp://x
              - name: both
                http: http://127.0.0.1/
                tcp: 127.0.0.1:80
            metrics: everywhere
            colour: red
            """));
        var lines = e.Errors.Select(x => (x.Line, x.Message)).ToList();
        Assert.Contains(lines, l => l.Line == 2 && l.Message.Contains("true or false", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 3 && l.Message.Contains("duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 6 && l.Message.Contains("http:// or https://", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 9 && l.Message.Contains("not both", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 10 && l.Message.Contains("host:port", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 11 && l.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Equal(6, lines.Count);
    }
}
