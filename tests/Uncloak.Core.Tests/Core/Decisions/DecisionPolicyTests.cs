using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class DecisionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static readonly SafetyContext Host = new()
    {
        OwnAddresses = [NetAddress.Parse("198.18.0.1"), NetAddress.Parse("2001:2::1")],
        Gateways = [NetAddress.Parse("198.18.0.254")],
        SshClients = SafetyContext.SshClientsFrom("198.19.7.7 52100 198.18.0.1 22", null),
        Allowlist = [BanTarget.Parse("198.19.200.0/24")],
    };

    private static BanRequest Ask(string target, string duration = "1h")
        => new(BanTarget.Parse(target), DurationText.TryParse(duration, out var d) ? d : throw new FormatException(), "test", "cli");

    [Theory]
    [InlineData("127.0.0.1", RefusalReason.Loopback)]
    [InlineData("::1", RefusalReason.Loopback)]
    [InlineData("198.18.0.1", RefusalReason.OwnAddress)]
    [InlineData("198.18.0.0/24", RefusalReason.OwnAddress)]
    [InlineData("2001:2::77", RefusalReason.OwnAddress)]
    [InlineData("198.18.0.254", RefusalReason.Gateway)]
    [InlineData("198.19.7.7", RefusalReason.SshClient)]
    [InlineData("198.19.200.9", RefusalReason.Allowlisted)]
    [InlineData("198.19.0.0/16", RefusalReason.SshClient)]
    public void Protected_addresses_are_refused_with_the_rule_that_protects_them(string target, RefusalReason expected)
    {
        var policy = new DecisionPolicy(Host, Escalation.None, BanRateCap.Unlimited);
        var decision = policy.Decide(Ask(target), 0, Now);
        Assert.Equal(DecisionStatus.Refused, decision.Status);
        Assert.Equal(expected, decision.Refusal);
        Assert.Contains("refused to ban", decision.RefusalMessage);
        Assert.False(decision.IsInForceAt(Now));
    }

    [Fact]
    public void An_ordinary_peer_is_banned_for_the_requested_time()
    {
        var policy = new DecisionPolicy(Host, Escalation.None, BanRateCap.Unlimited);
        var decision = policy.Decide(Ask("198.18.9.9", "90m"), 0, Now);
        Assert.Equal(DecisionStatus.Active, decision.Status);
        Assert.Equal(Now.AddMinutes(90), decision.Expires);
        Assert.True(decision.IsInForceAt(Now.AddMinutes(89)));
        Assert.False(decision.IsInForceAt(Now.AddMinutes(90)));
    }

    [Fact]
    public void The_ssh_client_comes_from_SSH_CLIENT_when_SSH_CONNECTION_is_absent()
    {
        var clients = SafetyContext.SshClientsFrom(null, "2001:2::beef 40000 22");
        Assert.Equal([NetAddress.Parse("2001:2::beef")], clients);
        Assert.Empty(SafetyContext.SshClientsFrom("garbage", ""));
    }

    [Theory]
    [InlineData("fe80::99%w0 5000 fe80::1%w0 22", "fe80::99", "fe80::99")]
    [InlineData("fe80::99%w0 5000 fe80::1%w0 22", "fe80::/64", "fe80::99")]
    [InlineData("fe80::99%3 5000 fe80::1%3 22", "fe80::99", "fe80::99")]
    [InlineData("::ffff:198.19.7.7 5000 ::ffff:198.18.0.1 22", "198.19.7.7", "198.19.7.7")]
    [InlineData("[2001:2::beef] 5000 [2001:2::1] 22", "2001:2::/64", "2001:2::beef")]
    public void An_ssh_client_with_a_zone_or_an_IPv4_mapped_address_is_protected(string sshConnection, string target, string client)
    {
        // Issue 17 item 2: OpenSSH writes the zone of a link-local client; with it the client was banned.
        var safety = new SafetyContext { SshClients = SafetyContext.SshClientsFrom(sshConnection, null) };
        Assert.Equal([NetAddress.Parse(client)], safety.SshClients);
        var decision = new DecisionPolicy(safety, Escalation.None, new BanRateCap(0)).Decide(new BanRequest(BanTarget.Parse(target), TimeSpan.FromHours(1), "t", "cli"), 0, Now);
        Assert.Equal(RefusalReason.SshClient, decision.Refusal);
    }

    [Theory]
    [InlineData("fe80::1%eth0", "fe80::1")]
    [InlineData("fe80::/64", "fe80::/64")]
    [InlineData("::ffff:198.18.0.5", "198.18.0.5")]
    [InlineData("::ffff:198.18.0.0/120", "198.18.0.0/24")]
    [InlineData("[2001:2::1]", "2001:2::1")]
    public void Allowlist_entries_with_zones_or_IPv4_mapped_forms_protect_what_they_name(string entry, string normal)
    {
        Assert.True(BanTarget.TryParse(entry, out var allowed, 128));
        Assert.Equal(normal, allowed.ToString());
        Assert.True(Uncloak.Core.Signals.PeerPrefix.TryParse(entry, out var prefix));
        Assert.Equal(allowed.Network, prefix.Network);
        var safety = new SafetyContext { Allowlist = [allowed] };
        Assert.Equal(RefusalReason.Allowlisted, SafetyRules.Check(new BanTarget(allowed.Network, allowed.MaxPrefix), safety).Reason);
    }

    [Theory]
    [InlineData("198.18.0.5%eth0")]
    [InlineData("fe80::1%")]
    [InlineData("fe80::1%averyveryverylongname")]
    [InlineData("::ffff:198.18.0.0/90")]
    public void Zones_on_IPv4_empty_or_overlong_zones_and_impossible_mapped_prefixes_are_rejected(string entry)
    {
        Assert.False(BanTarget.TryParse(entry, out _, 128));
    }

    [Fact]
    public void The_socket_kill_guard_protects_a_zoned_ssh_client_too()
    {
        var guard = Uncloak.Core.Signals.ProtectedPeers.Standard([], "fe80::99%w0 5000 fe80::1%w0 22", null, []);
        Assert.NotNull(guard.ReasonFor(NetAddress.Parse("fe80::99")));
    }

    [Fact]
    public void Repeat_offenders_get_longer_bans_up_to_the_cap()
    {
        var escalation = new Escalation(4, TimeSpan.FromDays(1), TimeSpan.FromDays(30));
        Assert.Equal(TimeSpan.FromHours(1), escalation.DurationFor(TimeSpan.FromHours(1), 0));
        Assert.Equal(TimeSpan.FromHours(4), escalation.DurationFor(TimeSpan.FromHours(1), 1));
        Assert.Equal(TimeSpan.FromHours(16), escalation.DurationFor(TimeSpan.FromHours(1), 2));
        Assert.Equal(TimeSpan.FromDays(1), escalation.DurationFor(TimeSpan.FromHours(1), 3));
        Assert.Equal(TimeSpan.FromDays(7), escalation.DurationFor(TimeSpan.FromDays(7), 3));

        var policy = new DecisionPolicy(Host, escalation, BanRateCap.Unlimited);
        var decision = policy.Decide(Ask("198.18.9.9"), 2, Now);
        Assert.Equal(Now.AddHours(16), decision.Expires);
        Assert.Equal(2, decision.Repeat);
    }

    [Fact]
    public void The_rate_cap_refuses_bans_beyond_the_limit_within_a_minute_and_reopens_after()
    {
        var policy = new DecisionPolicy(Host, Escalation.None, new BanRateCap(3));
        var statuses = Enumerable.Range(1, 5)
            .Select(i => policy.Decide(Ask($"198.18.1.{i}"), 0, Now.AddSeconds(i)))
            .ToList();
        Assert.Equal(3, statuses.Count(d => d.Status == DecisionStatus.Active));
        Assert.All(statuses.Skip(3), d => Assert.Equal(RefusalReason.RateCap, d.Refusal));
        Assert.True(policy.RateCapTripped);
        Assert.Equal(DecisionStatus.Active, policy.Decide(Ask("198.18.1.9"), 0, Now.AddSeconds(62)).Status);
    }

    [Fact]
    public void The_rate_cap_remembers_bans_made_before_a_restart()
    {
        var cap = new BanRateCap(2, [Now.AddSeconds(-10), Now.AddSeconds(-5)]);
        Assert.False(cap.TryTake(Now));
        Assert.True(cap.TryTake(Now.AddSeconds(51)));
    }

    [Fact]
    public void Safety_refusals_do_not_use_up_the_rate_cap()
    {
        var policy = new DecisionPolicy(Host, Escalation.None, new BanRateCap(1));
        Assert.Equal(RefusalReason.OwnAddress, policy.Decide(Ask("198.18.0.1"), 0, Now).Refusal);
        Assert.Equal(DecisionStatus.Active, policy.Decide(Ask("198.18.3.3"), 0, Now).Status);
    }
}
