using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Daemon.Enforcement;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Core.Tests.Daemon.Enforcement;

/// <summary>The one action interface: the firewall enforcer over a real store and an in-memory kernel, and the routing by kind.</summary>
public sealed class EnforcersTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-enforcers-").FullName;
    private readonly SqliteStore _sqlite;
    private readonly RecordingBackend _kernel = new() { Installed = true };
    private readonly ManualTimeProvider _clock = new(Start);

    public EnforcersTests()
    {
        _sqlite = SqliteStore.Open(Path.Combine(_dir, "t.db"));
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private FirewallEnforcer Firewall() => new(_sqlite, _kernel, _clock, SafetyContext.Empty, maxPerMinute: 0);

    /// <summary>Remembers what it was asked, for kinds it claims.</summary>
    private sealed class Part(EnforcementKind kind, int? bans = null, string? repair = null) : IEnforcer
    {
        public List<EnforcementAction> Asked { get; } = [];

        public bool Enforces(EnforcementKind k) => k == kind;

        public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
        {
            Asked.Add(action);
            return new EnforcementResult(true, kind + " done", 1);
        }

        public int? BansInForce(DateTimeOffset now) => bans;

        public string? Maintain() => repair;
    }

    [Fact]
    public void A_ban_is_stored_and_put_in_the_kernel_and_an_unban_takes_it_out_again()
    {
        var firewall = Firewall();
        var target = BanTarget.Parse("198.18.0.5");

        var banned = firewall.Execute(EnforcementAction.Ban(target, TimeSpan.FromMinutes(10), "zero window held", "watch", "zero-window-holders"), Start);

        Assert.True(banned.Done, banned.Text);
        Assert.Equal("banned for 10m in recording", banned.Text);
        Assert.Equal(Start.AddMinutes(10), _kernel.Kernel[target]);
        Assert.Equal(1, firewall.BansInForce(Start));

        var lifted = firewall.Execute(EnforcementAction.Unban(target), Start.AddMinutes(1));

        Assert.True(lifted.Done, lifted.Text);
        Assert.Equal(1, lifted.Affected);
        Assert.Empty(_kernel.Kernel);
        Assert.Equal(0, firewall.BansInForce(Start.AddMinutes(1)));
    }

    [Fact]
    public void A_ban_the_safety_rules_refuse_is_not_done_and_never_reaches_the_kernel()
    {
        var result = Firewall().Execute(EnforcementAction.Ban(BanTarget.Parse("127.0.0.1"), TimeSpan.FromMinutes(10), "test", "watch"), Start);

        Assert.False(result.Done);
        Assert.StartsWith("refused (", result.Text, StringComparison.Ordinal);
        Assert.Empty(_kernel.Kernel);
    }

    [Fact]
    public void Repeat_bans_grow_by_the_escalation_the_action_carries()
    {
        var firewall = Firewall();
        var target = BanTarget.Parse("198.18.0.9");
        var escalation = new Escalation(4, TimeSpan.FromDays(1), TimeSpan.FromDays(30));
        firewall.Execute(EnforcementAction.Ban(target, TimeSpan.FromMinutes(10), "first", "watch", escalation: escalation), Start);
        _clock.Advance(TimeSpan.FromMinutes(20));

        var again = firewall.Execute(EnforcementAction.Ban(target, TimeSpan.FromMinutes(10), "second", "watch", escalation: escalation), Start.AddMinutes(20));

        Assert.Equal("banned for 40m (repeat 1) in recording", again.Text);
    }

    [Fact]
    public void Each_action_goes_to_the_part_that_enforces_its_kind()
    {
        var kill = new Part(EnforcementKind.Kill);
        var alert = new Part(EnforcementKind.Alert);
        var all = new Enforcers([Firewall(), kill, alert]);

        all.Execute(EnforcementAction.Kill(BanTarget.Parse("198.18.0.7")), Start);
        all.Execute(EnforcementAction.Alert(AlertSeverity.Critical, "outage/web", "web is DOWN", "timeout"), Start);
        var ban = all.Execute(EnforcementAction.Ban(BanTarget.Parse("198.18.0.7"), TimeSpan.FromMinutes(5), "t", "watch"), Start);

        Assert.Equal("198.18.0.7", Assert.Single(kill.Asked).Target.ToString());
        Assert.Equal("outage/web", Assert.Single(alert.Asked).Key);
        Assert.True(ban.Done, ban.Text);
        Assert.True(all.Enforces(EnforcementKind.Unban));
        Assert.False(all.Enforces(EnforcementKind.Remedy));
    }

    [Fact]
    public void Without_a_firewall_bans_are_recorded_only_and_the_result_says_why()
    {
        var all = new Enforcers([new Part(EnforcementKind.Kill)]);

        var ban = all.Execute(EnforcementAction.Ban(BanTarget.Parse("198.18.0.7"), TimeSpan.FromMinutes(5), "t", "watch"), Start);
        var remedy = all.Execute(EnforcementAction.Remedy("web", []), Start);

        Assert.False(ban.Done);
        Assert.Equal("recorded only: no firewall backend (firewall: off, or nftables/iptables missing)", ban.Text);
        Assert.Equal("recorded only: nothing here carries out remedy", remedy.Text);
        Assert.False(all.Enforces(EnforcementKind.Ban));
        Assert.Null(all.BansInForce(Start));
    }

    [Fact]
    public void Bans_in_force_come_from_the_part_that_keeps_them_and_repairs_are_joined()
    {
        var all = new Enforcers([new Part(EnforcementKind.Kill, repair: "sockets ok"), new Part(EnforcementKind.Ban, bans: 3, repair: "table restored"), new Part(EnforcementKind.Alert)]);

        Assert.Equal(3, all.BansInForce(Start));
        Assert.Equal("sockets ok; table restored", all.Maintain());
        Assert.Null(new Enforcers([new Part(EnforcementKind.Alert)]).Maintain());
    }
}
