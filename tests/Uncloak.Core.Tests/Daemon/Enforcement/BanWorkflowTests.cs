using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Core.Events;
using Uncloak.Store;
using Xunit;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Core.Tests.Daemon.Enforcement;

/// <summary>From request to kernel batch, with an in-memory kernel and a hand-moved clock.</summary>
public sealed class BanWorkflowTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-workflow-").FullName;
    private readonly SqliteStore _sqlite;
    private readonly DecisionStore _store;
    private readonly RecordingBackend _kernel = new() { Installed = true };
    private readonly ManualTimeProvider _clock = new(Start);

    public BanWorkflowTests()
    {
        _sqlite = SqliteStore.Open(Path.Combine(_dir, "t.db"));
        _store = new DecisionStore(_sqlite);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static BanRequest Ask(string target, int minutes = 60) => new(BanTarget.Parse(target), TimeSpan.FromMinutes(minutes), "test", "cli");

    private sealed class CountingKiller : IEnforcer
    {
        public List<BanTarget> Killed { get; } = [];

        public bool Enforces(EnforcementKind kind) => kind == EnforcementKind.Kill;

        public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
        {
            Assert.Equal(EnforcementKind.Kill, action.Kind);
            Killed.Add(action.Target);
            return new EnforcementResult(true, "killed 2 socket(s)", 2);
        }
    }

    [Fact]
    public void Accepted_bans_reach_the_kernel_in_one_batch_and_refusals_only_the_store()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        var safety = new SafetyContext { OwnAddresses = [NetAddress.Parse("198.18.0.1")] };
        var outcome = workflow.Ban([Ask("198.18.0.5"), Ask("198.18.0.1"), Ask("2001:2::7")], safety, Escalation.None, 0, dryRun: false);

        Assert.Equal(2, outcome.Accepted);
        Assert.Equal(1, outcome.Refused);
        Assert.Single(_kernel.Batches);
        Assert.Equal(["198.18.0.5", "2001:2::/64"], _kernel.Kernel.Keys.Order().Select(t => t.ToString()));
        Assert.Equal(3, _store.List(Start, all: true, limit: 10).Count);
    }

    [Fact]
    public void A_dry_run_touches_neither_store_nor_kernel()
    {
        var outcome = new BanWorkflow(_store, null, _clock).Ban([Ask("198.18.0.5")], SafetyContext.Empty, Escalation.None, 0, dryRun: true);
        Assert.Equal(1, outcome.Accepted);
        Assert.Empty(_store.List(Start, all: true, limit: 10));
        Assert.Empty(_kernel.Batches);
    }

    [Fact]
    public void A_repeat_ban_is_escalated_and_its_kernel_element_replaced_with_the_longer_timeout()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false);
        _clock.Advance(TimeSpan.FromMinutes(10));
        workflow.Ban([Ask("198.18.0.5", 90)], SafetyContext.Empty, Escalation.Default, 0, false);
        _clock.Advance(TimeSpan.FromMinutes(100));
        var again = workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false);

        // The ban of minute 10 came while the first was in force: one offence, so the next is the first repeat.
        Assert.Equal(1, again.Decisions[0].Repeat);
        Assert.Equal(_clock.GetUtcNow().AddHours(4), _kernel.Kernel[BanTarget.Parse("198.18.0.5")]);
        // The longer re-ban of minute 10 replaced the kernel element with its later timeout.
        Assert.Equal(["198.18.0.5"], _kernel.Batches[1].Delete.Select(t => t.ToString()));
    }

    /// <summary>Above pid_max (at most 2^22 on Linux): a process that cannot exist, as after a crash.</summary>
    private const int DeadPid = 4_194_305;

    [Fact]
    public void A_ban_stored_by_a_run_that_crashed_before_the_kernel_step_is_enforced_by_the_next_run()
    {
        // Issue 17 item 5: a `bans add` loop killed mid-way left bans stored but not enforced, and later adds did not restore them.
        _store.BeginIntent("ban", DeadPid, Start);
        _store.Insert([new Decision { Target = BanTarget.Parse("198.18.0.5"), Reason = "t", Origin = "cli", Created = Start, Expires = Start.AddHours(1), Status = DecisionStatus.Active }]);

        new BanWorkflow(_store, _kernel, _clock).Ban([Ask("198.18.0.6")], SafetyContext.Empty, Escalation.None, 0, false);

        Assert.Equal(["198.18.0.5", "198.18.0.6"], _kernel.Kernel.Keys.Order().Select(t => t.ToString()));
        Assert.Empty(_store.Intents());
    }

    [Fact]
    public void Kernel_elements_of_a_run_that_crashed_before_its_store_commit_are_rolled_back_by_the_next_run()
    {
        // Issue 17 item 5: an import killed mid-way left 50,000 kernel elements the store did not know.
        _store.BeginIntent("ban", DeadPid, Start);
        _kernel.Kernel[BanTarget.Parse("198.18.7.7")] = Start.AddDays(7);

        new BanWorkflow(_store, _kernel, _clock).Unban([BanTarget.Parse("198.18.0.99")], dryRun: false);

        Assert.Empty(_kernel.Kernel);
        Assert.Empty(_store.Intents());
    }

    [Fact]
    public void The_intent_of_a_live_process_is_left_alone_and_a_finished_operation_leaves_none()
    {
        long live = _store.BeginIntent("ban", Environment.ProcessId, Start);
        _kernel.Kernel[BanTarget.Parse("198.18.7.7")] = Start.AddDays(7);
        new BanWorkflow(_store, _kernel, _clock).Ban([Ask("198.18.0.6")], SafetyContext.Empty, Escalation.None, 0, false);
        Assert.True(_kernel.Kernel.ContainsKey(BanTarget.Parse("198.18.7.7")), "a running operation's kernel change must not be undone");
        Assert.Equal([live], _store.Intents().Select(i => i.Id));
    }

    [Fact]
    public void Unbanning_a_kernel_element_the_store_does_not_know_removes_it()
    {
        // Issue 17 item 5: `bans del` said "no ban in force" and the element stayed for 7 days.
        _kernel.Kernel[BanTarget.Parse("198.18.7.7")] = Start.AddDays(7);
        var (revoked, removed) = new BanWorkflow(_store, _kernel, _clock).Unban([BanTarget.Parse("198.18.7.7")], dryRun: false);
        Assert.Equal(0, revoked);
        Assert.Equal(1, removed);
        Assert.Empty(_kernel.Kernel);
    }

    [Fact]
    public void An_active_ban_is_not_a_repeat_offence_so_restarts_re_banning_it_do_not_escalate()
    {
        // Issue 17 item 6: three restarts in 14 s re-banned a still-banned peer 1h → 4h → 16h → 2d16h.
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        for (int restart = 0; restart < 4; restart++)
        {
            var outcome = workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false);
            Assert.Equal(0, outcome.Decisions[0].Repeat);
            Assert.Equal(TimeSpan.FromHours(1), outcome.Decisions[0].Duration);
            _clock.Advance(TimeSpan.FromSeconds(4));
        }
        Assert.Equal(_clock.GetUtcNow().AddSeconds(-4).AddHours(1), _kernel.Kernel[BanTarget.Parse("198.18.0.5")]);
    }

    [Fact]
    public void A_wider_prefix_replaces_the_narrower_ones_it_covers_and_unbanning_it_brings_them_back()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.4.0/24")], SafetyContext.Empty, Escalation.None, 0, false);
        workflow.Ban([Ask("198.18.0.0/16")], SafetyContext.Empty, Escalation.None, 0, false);
        Assert.Equal(["198.18.0.0/16"], _kernel.Kernel.Keys.Select(t => t.ToString()));

        workflow.Unban([BanTarget.Parse("198.18.0.0/16")], dryRun: false);
        Assert.Equal(["198.18.4.0/24"], _kernel.Kernel.Keys.Select(t => t.ToString()));
    }

    [Fact]
    public void When_the_kernel_lost_its_sets_the_next_ban_restores_everything_the_store_holds()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.0.5"), Ask("198.18.0.6")], SafetyContext.Empty, Escalation.None, 0, false);
        _kernel.Kernel.Clear();
        _kernel.Installed = false; // reboot

        workflow.Ban([Ask("198.18.0.7")], SafetyContext.Empty, Escalation.None, 0, false);

        Assert.Equal(3, _kernel.Kernel.Count);
    }

    [Fact]
    public void Sync_drops_expired_bans_and_restores_missing_ones()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.0.5", 5), Ask("198.18.0.6", 60)], SafetyContext.Empty, Escalation.None, 0, false);
        _kernel.Kernel.Remove(BanTarget.Parse("198.18.0.6"));
        _kernel.Kernel[BanTarget.Parse("198.18.9.9")] = Start.AddHours(1); // not in the store
        _clock.Advance(TimeSpan.FromMinutes(10));

        var r = workflow.Sync();

        // The expired one the kernel forgets by itself (its timeout); sync restores the missing one and removes the stray.
        Assert.Equal(["198.18.0.6"], _kernel.ReadElements(_clock.GetUtcNow()).Keys.Select(t => t.ToString()));
        Assert.Equal(1, r.Restored);
        Assert.Equal(1, r.Removed);
    }

    [Fact]
    public void When_the_store_write_of_a_large_batch_fails_the_kernel_is_put_back()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.19.0.1")], SafetyContext.Empty, Escalation.None, 0, false);
        _sqlite.Execute("CREATE TRIGGER full_disk BEFORE INSERT ON decisions BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
        var many = Enumerable.Range(0, DecisionStore.ProbeLimit + 1)
            .Select(i => new BanRequest(new BanTarget(NetAddress.FromV4(0xC612_4000u + (uint)i), 32), TimeSpan.FromHours(1), "test", "import"))
            .ToList();

        var error = Assert.Throws<StoreException>(() => workflow.Ban(many, SafetyContext.Empty, Escalation.None, 0, false));

        Assert.Contains("disk is full", error.Message);
        Assert.Equal(["198.19.0.1"], _kernel.ReadElements(Start).Keys.Select(t => t.ToString()));
    }

    [Fact]
    public void The_kill_action_runs_once_per_newly_banned_target_after_the_ban_is_in_the_kernel()
    {
        var killer = new CountingKiller();
        var workflow = new BanWorkflow(_store, _kernel, _clock, killer);
        var outcome = workflow.Ban([Ask("198.18.0.5"), Ask("198.18.0.5"), Ask("127.0.0.1")], SafetyContext.Empty, Escalation.None, 0, false);
        Assert.Equal(["198.18.0.5"], killer.Killed.Select(t => t.ToString()));
        Assert.Equal(new ConnectionKillResult(2, 0), outcome.Killed);
    }

    [Fact]
    public void Re_banning_a_banned_address_updates_its_ban_instead_of_adding_a_duplicate_active_row()
    {
        // Issue 16, item 2.
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        var first = workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false).Decisions[0];
        _clock.Advance(TimeSpan.FromMinutes(10));
        var again = workflow.Ban([Ask("198.18.0.5", 120)], SafetyContext.Empty, Escalation.Default, 0, false).Decisions[0];

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(1, again.Renewals);
        var row = Assert.Single(_store.List(_clock.GetUtcNow(), all: true, limit: 10));
        Assert.Equal(_clock.GetUtcNow().AddHours(2), row.Expires);
        Assert.Equal(_clock.GetUtcNow().AddHours(2), _kernel.Kernel[BanTarget.Parse("198.18.0.5")]);
    }

    [Fact]
    public void A_re_ban_within_a_second_of_the_same_expiry_leaves_store_and_kernel_agreeing()
    {
        // The kernel is not touched for less than a second; the store must not move either, or the ban outlives the
        // kernel's element in the store and the next ban is wrongly not a repeat (seen in BanEnforcementTests).
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false);
        var kernelExpiry = _kernel.Kernel[BanTarget.Parse("198.18.0.5")];
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false);

        var row = Assert.Single(_store.List(_clock.GetUtcNow(), all: true, limit: 10));
        Assert.Equal(kernelExpiry, _kernel.Kernel[BanTarget.Parse("198.18.0.5")]);
        Assert.Equal(kernelExpiry, row.Expires);
        Assert.Equal(1, row.Renewals);
    }

    [Fact]
    public void A_revoked_ban_does_not_escalate_the_next_manual_ban()
    {
        // Issue 16, item 2: banned by mistake, unbanned, banned again later for a real reason — 1h, not 4h.
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false);
        _clock.Advance(TimeSpan.FromMinutes(5));
        workflow.Unban([BanTarget.Parse("198.18.0.5")], dryRun: false);
        _clock.Advance(TimeSpan.FromHours(2));
        var next = workflow.Ban([Ask("198.18.0.5", 60)], SafetyContext.Empty, Escalation.Default, 0, false).Decisions[0];
        Assert.Equal(0, next.Repeat);
        Assert.Equal(TimeSpan.FromHours(1), next.Duration);
        Assert.Equal("cli", _store.List(_clock.GetUtcNow(), all: true, limit: 10).Single(d => d.Status == DecisionStatus.Revoked).RevokedBy);
    }

    [Fact]
    public void Unbanning_by_scenario_lifts_only_that_scenarios_bans_and_the_kernel_follows()
    {
        var workflow = new BanWorkflow(_store, _kernel, _clock) { Actor = "root (bans del)" };
        workflow.Ban([Ask("198.18.0.5") with { Origin = "watch", Scenario = "port-scanners" }, Ask("198.18.0.6")], SafetyContext.Empty, Escalation.None, 0, false);
        Assert.Equal(1, workflow.UnbanMatching("port-scanners", null, dryRun: false));
        Assert.Equal(["198.18.0.6"], _kernel.Kernel.Keys.Select(t => t.ToString()));
        Assert.Equal("root (bans del)", _store.List(_clock.GetUtcNow(), all: true, limit: 10).Single(d => d.Status == DecisionStatus.Revoked).RevokedBy);
    }

    [Fact]
    public void Sync_re_checks_safety_and_revokes_bans_on_addresses_that_became_protected_instead_of_restoring_them()
    {
        // Issue 16, item 6: a ban on 198.18.0.5 was decided before that address became this host's own; sync restored it.
        var workflow = new BanWorkflow(_store, _kernel, _clock);
        workflow.Ban([Ask("198.18.0.5"), Ask("198.18.0.6")], SafetyContext.Empty, Escalation.None, 0, false);
        _kernel.Kernel.Clear();

        var (result, revoked) = workflow.Sync(new SafetyContext { OwnAddresses = [NetAddress.Parse("198.18.0.5")] });

        Assert.Equal(1, revoked);
        Assert.Equal(["198.18.0.6"], _kernel.Kernel.Keys.Select(t => t.ToString()));
        Assert.Equal(1, result.Restored);
        var lifted = _store.List(_clock.GetUtcNow(), all: true, limit: 10).Single(d => d.Target.ToString() == "198.18.0.5");
        Assert.Equal(DecisionStatus.Revoked, lifted.Status);
        Assert.StartsWith("safety re-check (", lifted.RevokedBy, StringComparison.Ordinal);
    }
}
