using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Fleet.Decisions;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

/// <summary>The outbox is the real store: decisions written as the CLI and the daemon write them, read back as bucket changes.</summary>
public sealed class FleetOutboxTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-fleet-").FullName;
    private readonly SqliteStore _sqlite;
    private readonly DecisionStore _store;

    public FleetOutboxTests()
    {
        _sqlite = SqliteStore.Open(Path.Combine(_dir, "t.db"));
        _store = new DecisionStore(_sqlite);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Decision Ban(string target, string origin, string? scenario = null, DecisionStatus status = DecisionStatus.Active) => new()
    {
        Target = BanTarget.Parse(target, 128),
        Reason = "test",
        Origin = origin,
        Scenario = scenario,
        Created = Now,
        Expires = Now.AddMinutes(10),
        Status = status,
    };

    private static void Done(FleetOutbox outbox, List<FleetOutbox.Change> changes)
    {
        foreach (var c in changes)
        {
            outbox.Done(c);
        }
    }

    [Fact]
    public void The_snapshot_puts_local_bans_in_force_and_deletes_this_hosts_keys_nothing_backs()
    {
        _store.Insert([Ban("198.18.1.2", "watch", "zero-window-hold"), Ban("198.18.1.3", "fleet:c"), Ban("198.18.1.4", "cli", status: DecisionStatus.Refused)]);
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());

        var changes = outbox.Snapshot(Now);
        // The bucket's keys are streamed one by one: one that nothing backs is deleted, one in force is left alone.
        Assert.Null(outbox.Stale("a.198-18-1-2"));
        changes.Add(outbox.Stale("a.198-18-9-9")!.Value);

        var put = Assert.Single(changes, c => c.Value is not null);
        Assert.Equal("a.198-18-1-2", put.Key);
        Assert.Equal("a", put.Value!.Origin);
        Assert.Equal("198.18.1.2", put.Value.Target);
        Assert.Equal(Now.AddMinutes(10), put.Value.Expires);
        Assert.Equal("zero-window-hold", put.Value.Scenario);
        Assert.Equal("watch", put.Value.Evidence);
        Assert.Equal("a.198-18-9-9", Assert.Single(changes, c => c.Value is null).Key);
    }

    [Fact]
    public void A_receivers_own_ban_after_a_burst_of_received_bans_is_published_in_the_next_round_and_the_received_are_never_read_again()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        Done(outbox, outbox.Snapshot(Now));

        // More received bans than a slice, then one of this host's own: the received ones are left out in SQL, so the
        // own ban is not a slice or two away.
        var received = Enumerable.Range(0, FleetOutbox.Slice + 5_000)
            .Select(i => Ban(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC612_4000u + (uint)i), 32).ToString(), "fleet:c"))
            .Append(Ban("198.18.1.2", "watch"))
            .ToList();
        _store.Insert(received);
        var changes = outbox.Changes(Now.AddSeconds(1));
        Assert.Equal("a.198-18-1-2", Assert.Single(changes).Key);
        Assert.False(outbox.Behind);
        Done(outbox, changes);

        _store.Insert([Ban("198.18.1.3", "fleet:c"), Ban("198.18.1.4", "cli")]);
        changes = outbox.Changes(Now.AddSeconds(2));
        Assert.Equal("a.198-18-1-4", Assert.Single(changes).Key);
    }

    [Fact]
    public void Changes_follow_new_bans_and_revocations_and_skip_what_the_share_filter_leaves_out()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter { Origins = ["watch", "cli"] });
        Done(outbox, outbox.Snapshot(Now));

        _store.Insert([Ban("198.18.1.2", "cli"), Ban("198.18.1.5", "import")]);
        var changes = outbox.Changes(Now.AddSeconds(1));
        Assert.Equal("a.198-18-1-2", Assert.Single(changes).Key);
        Done(outbox, changes);
        Assert.All(outbox.Changes(Now.AddSeconds(2)), c => Assert.True(outbox.Redundant(c), $"{c.Key} published again"));

        _store.Revoke([BanTarget.Parse("198.18.1.2")], Now.AddSeconds(3));
        var revoked = outbox.Changes(Now.AddSeconds(4)).Where(c => !outbox.Redundant(c)).ToList();
        Assert.Equal(new FleetOutbox.Change("a.198-18-1-2", null), Assert.Single(revoked));
    }

    [Fact]
    public void A_ban_that_expired_is_deleted_from_the_bucket_by_its_publisher()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        _store.Insert([Ban("198.18.1.2", "cli")]);
        Done(outbox, outbox.Snapshot(Now));

        var later = outbox.Changes(Now.AddMinutes(11));
        Assert.Equal(new FleetOutbox.Change("a.198-18-1-2", null), Assert.Single(later));
    }

    [Fact]
    public void Decisions_stored_while_the_bus_was_down_are_in_the_next_snapshot()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        Done(outbox, outbox.Snapshot(Now));
        // The bus is down: nothing is read; the store keeps deciding.
        _store.Insert([.. Enumerable.Range(1, 300).Select(i => Ban($"198.18.{i / 250}.{i % 250}", "watch"))]);

        var changes = outbox.Snapshot(Now.AddSeconds(30));
        Assert.Equal(300, changes.Count(c => c.Value is not null && !outbox.Redundant(c)));
    }

    [Fact]
    public void A_full_slice_tells_the_publisher_to_go_round_again_at_once_until_the_store_is_read()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        Done(outbox, outbox.Snapshot(Now));
        Assert.False(outbox.Behind);
        // An import of 2.5 slices: two full rounds with more waiting, then the rest, then nothing left behind.
        int total = FleetOutbox.Slice * 5 / 2;
        _store.Insert([.. Enumerable.Range(0, total).Select(i => Ban($"198.{18 + i / 65536}.{i / 256 % 256}.{i % 256}", "import"))]);

        var rounds = new List<(int Count, bool Behind)>();
        do
        {
            var changes = outbox.Changes(Now.AddSeconds(1));
            Done(outbox, changes);
            rounds.Add((changes.Count, outbox.Behind));
        }
        while (outbox.Behind && rounds.Count < 10);

        Assert.Equal([(FleetOutbox.Slice, true), (FleetOutbox.Slice, true), (total - 2 * FleetOutbox.Slice, false)], rounds);
        Assert.DoesNotContain(outbox.Changes(Now.AddSeconds(2)), c => !outbox.Redundant(c));
        Assert.False(outbox.Behind);
    }

    private static string Address(int i) => $"198.{18 + i / 65536}.{i / 256 % 256}.{i % 256}";

    private static void Done(FleetOutbox outbox, List<FleetOutbox.Chunk> chunks)
    {
        foreach (var c in chunks)
        {
            outbox.Done(c);
        }
    }

    [Fact]
    public void A_burst_goes_out_in_chunks_whose_bans_are_revoked_under_their_own_keys_and_expire_with_their_chunk()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        Done(outbox, outbox.Snapshot(Now));
        _store.Insert([.. Enumerable.Range(0, 2500).Select(i => Ban(Address(i), "import"))]);

        var puts = outbox.Changes(Now.AddSeconds(1));
        var chunks = outbox.Chunks(puts, Now.AddSeconds(1));
        Assert.Equal([FleetChunk.MaxBans, 500], chunks.Select(c => c.Members.Count));
        Assert.Equal(2, chunks.Select(c => c.Key).Distinct().Count());
        Assert.All(chunks, c => Assert.True(FleetKey.TryParseChunk(c.Key, out var host) && host == "a", c.Key));
        Assert.Equal(puts.Select(p => p.Key), chunks.SelectMany(c => c.Members).Select(m => m.Key));
        // The value is the same decisions a single key carries, as an array.
        Assert.True(FleetChunk.TryRead(FleetChunk.Value([.. chunks[1].Members.Select(m => m.Value!)]), out var read));
        Assert.Equal(chunks[1].Members.Select(m => m.Value), read);
        Done(outbox, chunks);
        Assert.All(outbox.Changes(Now.AddSeconds(2)), c => Assert.True(outbox.Redundant(c), $"{c.Key} published again"));

        _store.Revoke([BanTarget.Parse(Address(7))], Now.AddSeconds(3));
        var revoked = outbox.Changes(Now.AddSeconds(4)).Where(c => !outbox.Redundant(c)).ToList();
        Assert.Equal(new FleetOutbox.Change("a." + Address(7).Replace('.', '-'), null), Assert.Single(revoked));
        Done(outbox, revoked);

        // Expired: the two chunks are deleted, not 2,500 keys that were never put.
        var expired = outbox.Changes(Now.AddMinutes(11)).Where(c => !outbox.Redundant(c)).ToList();
        Assert.Equal(chunks.Select(c => c.Key).Order(), expired.Select(c => c.Key).Order());
        Assert.All(expired, c => Assert.Null(c.Value));
        Done(outbox, expired);
        Assert.DoesNotContain(outbox.Changes(Now.AddMinutes(12)), c => !outbox.Redundant(c));
    }

    [Fact]
    public void A_restarted_publisher_counts_the_bans_of_its_chunks_in_the_bucket_as_published()
    {
        _store.Insert([.. Enumerable.Range(0, 1200).Select(i => Ban(Address(i), "import"))]);
        var before = new FleetOutbox(_store, "a", new FleetFilter());
        var chunk = Assert.Single(before.Chunks(before.Snapshot(Now), Now));
        var value = FleetChunk.Value([.. chunk.Members.Select(m => m.Value!)]);
        // Stopped; meanwhile one of the chunk's bans is revoked.
        _store.Revoke([BanTarget.Parse(Address(3))], Now.AddSeconds(5));

        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        var changes = outbox.Snapshot(Now.AddSeconds(10));
        Assert.Null(outbox.Stale(chunk.Key));
        Assert.False(outbox.Knows(chunk.Key));
        changes.AddRange(outbox.Adopt(chunk.Key, value, Now.AddSeconds(10)));

        Assert.True(outbox.Knows(chunk.Key));
        var todo = changes.Where(c => !outbox.Redundant(c)).ToList();
        Assert.Equal(new FleetOutbox.Change("a." + Address(3).Replace('.', '-'), null), Assert.Single(todo));

        // A chunk none of whose bans is wanted any more (all revoked) is deleted; so is a value that is no chunk.
        _store.Revoke([.. Enumerable.Range(0, 1200).Select(i => BanTarget.Parse(Address(i)))], Now.AddSeconds(20));
        var later = new FleetOutbox(_store, "a", new FleetFilter());
        later.Snapshot(Now.AddSeconds(30));
        var gone = later.Adopt(chunk.Key, value, Now.AddSeconds(30));
        Assert.Contains(new FleetOutbox.Change(chunk.Key, null), gone);
        Assert.Equal(1200, gone.Count(c => c.Key != chunk.Key && c.Value is null));
        Assert.Equal([new FleetOutbox.Change("a.bulk.1-0", null)], later.Adopt("a.bulk.1-0", "{not json"u8, Now.AddSeconds(30)));
        Assert.All(gone, c => Assert.False(later.Redundant(c)));
    }

    [Fact]
    public void A_key_of_this_host_nothing_backs_is_deleted_even_by_a_publisher_that_never_put_it()
    {
        var outbox = new FleetOutbox(_store, "a", new FleetFilter());
        outbox.Snapshot(Now);
        var stale = outbox.Stale("a.198-18-9-9")!.Value;
        Assert.False(outbox.Redundant(stale));
        outbox.Done(stale);
        Assert.True(outbox.Redundant(stale));
    }
}
