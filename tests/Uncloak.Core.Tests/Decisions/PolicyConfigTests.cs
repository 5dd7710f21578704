using Uncloak.Cli.Commands.Firewall;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class PolicyConfigTests
{
    [Fact]
    public void The_shipped_firewall_yaml_parses_without_errors_and_holds_the_defaults()
    {
        var errors = new List<string>();
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
        var errors = new List<string>();
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
        var errors = new List<string>();
        PolicyConfig.Apply(new PolicyConfig(), "f.yaml", "echo_rate: fast\nmanagment: []\nmanagement: 198.19.0.0/16\n", errors);
        Assert.Equal(3, errors.Count);
        Assert.Contains("f.yaml:1: 'echo_rate' must be a whole number", errors);
        Assert.Contains(errors, e => e.StartsWith("f.yaml:2: unknown key 'managment'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("f.yaml:3: 'management' takes a list", StringComparison.Ordinal));
    }
}
