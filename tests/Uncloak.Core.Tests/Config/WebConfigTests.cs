using Uncloak.Cli.Commands.Watch;
using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Config;

/// <summary>The <c>web:</c> section and <c>watch --web</c>: off unless asked, every bad value reported with its line.</summary>
public sealed class WebConfigTests
{
    [Fact]
    public void The_dashboard_is_off_by_default_beside_metrics_with_a_root_only_token()
    {
        var web = WatchConfigLoader.Load("u.yaml", "metrics: 127.0.0.1:9477\n").Web;
        Assert.False(web.Enabled);
        Assert.Equal("127.0.0.1:9477", web.Listen);
        Assert.Null(web.Socket);
        Assert.Equal("/run/uncloak/web.token", web.TokenFile);
        Assert.Equal(TimeSpan.FromHours(12), web.SessionLifetime);
    }

    [Fact]
    public void The_web_section_is_read_and_every_error_reported_with_its_line()
    {
        var web = WatchConfigLoader.Load("u.yaml", """
            web:
              enabled: true
              listen: 127.0.0.1:8088
              socket: /run/uncloak/web.sock
              token_file: /run/uncloak/t
              session: 2h
            """).Web;
        Assert.Equal(new WebConfig { Enabled = true, Listen = "127.0.0.1:8088", Socket = "/run/uncloak/web.sock", TokenFile = "/run/uncloak/t", SessionLifetime = TimeSpan.FromHours(2) }, web);

        var e = Assert.Throws<ConfigException>(() => WatchConfigLoader.Load("u.yaml", """
            web:
              enabled: yes please
              listen: everywhere
              socket: web.sock
              token_file: token
              session: 90d
              theme: dark
            """));
        var lines = e.Errors.Select(x => x.Line).Order().ToList();
        Assert.Equal([2, 3, 4, 5, 6, 7], lines);
    }

    [Theory]
    [InlineData("on", true, "127.0.0.1:9477")]
    [InlineData("off", false, "127.0.0.1:9477")]
    [InlineData("127.0.0.1:9999", true, "127.0.0.1:9999")]
    public void Watch_web_turns_the_dashboard_on_or_off_or_moves_it(string flag, bool enabled, string listen)
    {
        var config = WatchOverrides.Apply(new WatchConfig(), new WatchOptions { Web = flag });
        Assert.Equal(enabled, config.Web.Enabled);
        Assert.Equal(listen, config.Web.Listen);
    }

    [Fact]
    public void Watch_web_with_anything_else_is_a_usage_error()
    {
        var e = Assert.Throws<ConfigException>(() => WatchOverrides.Apply(new WatchConfig(), new WatchOptions { Web = "yes" }));
        Assert.Contains("--web", Assert.Single(e.Errors).ToString(), StringComparison.Ordinal);
    }
}
