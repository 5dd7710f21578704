using Uncloak.Config;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class PolicyConfigTests
{
    [Fact]
    public void The_shipped_firewall_yaml_parses_without_errors_and_holds_the_defaults()
    {
        var errors = new List<ConfigError>();
        var config = PolicyConfig.Load([Path.Combine(AppContext.BaseDirectory, "config", "firewall.yaml")], errors);
        Assert.Empty(errors);
        Assert.Empty(config.Management);
        Assert.Null(config.PublicInterface);
        Assert.Null(config.Bogons);
        Assert.Equal(5, config.EchoRate);
        Assert.Equal(1000, config.EchoMaxBytes);
        Assert.Empty(config.ConnLimits);
        Assert.Equal("60s", config.ConfirmWithin);
    }

    [Fact]
    public void A_later_file_replaces_only_the_keys_it_sets()
    {
        var errors = new List<ConfigError>();
        var config = PolicyConfig.Apply(new PolicyConfig(), "a.yaml", "management: [198.19.250.0/24]\necho_rate: 9\n", errors);
        config = PolicyConfig.Apply(config, "b.yaml", "public_interface: eth0\nconn_limits: [\"80,443:100\"]\n", errors);
        Assert.Empty(errors);
        Assert.Equal(["198.19.250.0/24"], config.Management);
        Assert.Equal(9, config.EchoRate);
        Assert.Equal("eth0", config.PublicInterface);
        Assert.Equal(["80,443:100"], config.ConnLimits);
        Assert.Equal(1000, config.EchoMaxBytes);
    }

    [Fact]
    public void Unknown_keys_and_wrong_types_are_all_reported_with_their_line()
    {
        var errors = new List<ConfigError>();
        PolicyConfig.Apply(new PolicyConfig(), "f.yaml", "echo_rate: fast\nmanagment: []\nmanagement: 198.19.0.0/16\n", errors);
        var text = errors.Select(e => e.ToString()).ToList();
        Assert.Equal(3, text.Count);
        Assert.Contains("f.yaml:1:12: 'echo_rate' must be a whole number from 0 to 2147483647", text);
        Assert.Contains(text, e => e.StartsWith("f.yaml:2:1: unknown key 'managment'", StringComparison.Ordinal));
        Assert.Contains(text, e => e.StartsWith("f.yaml:3:13: 'management' takes a list", StringComparison.Ordinal));
    }

    [Fact]
    public void A_syntax_error_and_a_file_that_cannot_be_read_are_located_and_reported_together()
    {
        var errors = new List<ConfigError>();
        var missing = Path.Combine(Path.GetTempPath(), "uncloak-no-such-policy-" + Guid.NewGuid().ToString("N") + ".yaml");
        var config = PolicyConfig.Load([missing], errors);
        PolicyConfig.Apply(config, "g.yaml", "echo_rate: 3\nmanagement: [198.19.0.1\n", errors);

        Assert.Equal(2, errors.Count);
        Assert.Equal(missing, errors[0].File);
        Assert.StartsWith("cannot read: ", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(("g.yaml", 3), (errors[1].File, errors[1].Line));
        Assert.StartsWith("YAML syntax: ", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_value_clears_what_an_earlier_file_set()
    {
        var errors = new List<ConfigError>();
        var config = PolicyConfig.Apply(new PolicyConfig(), "a.yaml", "public_interface: eth0\nbogons: eth0\n", errors);
        config = PolicyConfig.Apply(config, "b.yaml", "public_interface: ~\n", errors);

        Assert.Empty(errors);
        Assert.Null(config.PublicInterface);
        Assert.Equal("eth0", config.Bogons);
    }
}
