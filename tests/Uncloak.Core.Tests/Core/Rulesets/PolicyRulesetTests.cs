using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

/// <summary>Golden files of the hardening ruleset: the exact JSON libnftables receives.</summary>
public sealed class PolicyRulesetTests
{
    private static readonly FirewallPolicy Full = new()
    {
        Management = [BanTarget.Parse("198.19.250.0/24"), BanTarget.Parse("2001:2:0:fe::/64")],
        PublicInterface = "eth0",
        Bogons = [BanTarget.Parse("10.0.0.0/8"), BanTarget.Parse("192.168.0.0/16"), BanTarget.Parse("fc00::/7")],
        EchoPerSecond = 5,
        EchoMaxBytes = 1000,
        ConnectionLimits = [new ConnectionLimit([80, 443], 100)],
    };

    [Fact]
    public void A_full_policy_over_an_empty_table_matches_its_golden_file()
        => Golden.AssertJson("rulesets/policy-full.json", PolicyRuleset.Render(Full, PolicyRuleset.Existing.None));

    [Fact]
    public void Replacing_a_loaded_policy_removes_its_chain_and_sets_first_in_the_same_transaction()
        => Golden.AssertJson("rulesets/policy-replace.json", PolicyRuleset.Render(new FirewallPolicy(), new PolicyRuleset.Existing(true, ["mgmt4", "ping4", "ping6"])));

    [Fact]
    public void Without_a_public_interface_no_bogon_rule_is_rendered_because_private_sources_are_normal_on_a_LAN()
    {
        var ids = PolicyRuleset.RuleIds(Full with { PublicInterface = null });
        Assert.DoesNotContain("bogon4", ids);
        Assert.Contains("bogon4", PolicyRuleset.RuleIds(Full));
    }

    [Fact]
    public void Every_rule_has_a_counter_and_a_comment_in_the_order_of_its_ids_and_management_comes_first()
    {
        using var doc = JsonDocument.Parse(PolicyRuleset.Render(Full, PolicyRuleset.Existing.None));
        var rules = doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(c => c.TryGetProperty("add", out var a) && a.TryGetProperty("rule", out _))
            .Select(c => c.GetProperty("add").GetProperty("rule")).ToList();
        Assert.Equal(PolicyRuleset.RuleIds(Full), rules.Select(r => r.GetProperty("comment").GetString()!["uncloak guard: ".Length..]).ToList());
        Assert.All(rules, r => Assert.Contains(r.GetProperty("expr").EnumerateArray(), e => e.TryGetProperty("counter", out _)));
        Assert.StartsWith("management", PolicyRuleset.RuleIds(Full)[1]);
    }

    [Fact]
    public void No_rule_limits_the_SYN_rate_and_the_plan_says_why()
    {
        using var doc = JsonDocument.Parse(PolicyRuleset.Render(Full, PolicyRuleset.Existing.None));
        var limited = doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(c => c.TryGetProperty("add", out var a) && a.TryGetProperty("rule", out _))
            .Select(c => c.GetProperty("add").GetProperty("rule"))
            .Where(r => r.GetProperty("expr").GetRawText().Contains("\"limit\"", StringComparison.Ordinal))
            .Select(r => r.GetProperty("comment").GetString())
            .ToList();
        Assert.Equal(["uncloak guard: echo-rate4", "uncloak guard: echo-rate6"], limited);
        Assert.Contains("tcp_syncookies", PolicyRuleset.WhyNoSynRateLimit);
    }

    [Theory]
    [InlineData("80,443:100", "80,443:100")]
    [InlineData("22:5", "22:5")]
    [InlineData("443,80,80:7", "80,443:7")]
    public void Connection_limits_parse_ports_and_a_per_source_maximum(string text, string expected)
    {
        Assert.True(ConnectionLimit.TryParse(text, out var limit));
        Assert.Equal(expected, limit!.ToString());
    }

    [Theory]
    [InlineData("80")]
    [InlineData("80:0")]
    [InlineData("0:5")]
    [InlineData("http:5")]
    public void Malformed_connection_limits_are_rejected(string text) => Assert.False(ConnectionLimit.TryParse(text, out _));
}
