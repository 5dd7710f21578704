using System.Text;
using System.Globalization;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Fleet.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Fleet.Decisions;

public sealed class FleetInboxTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static byte[] Value(string target, string origin, DateTimeOffset expires, string? scenario = "zero-window-hold")
        => Encoding.UTF8.GetBytes(
            $$"""{"target":"{{target}}","expires":"{{expires.ToString("O", CultureInfo.InvariantCulture)}}","origin":"{{origin}}",{{(scenario is null ? "" : $"\"scenario\":\"{scenario}\",")}}"reason":"held 16 windows shut"}""");

    [Fact]
    public void Another_hosts_ban_is_applied_once_and_its_redelivery_is_a_duplicate()
    {
        var inbox = new FleetInbox("b", new FleetFilter());
        var value = Value("198.18.1.2", "a", Now.AddMinutes(10));

        Assert.Equal(FleetVerdict.Apply, inbox.Judge("a.198-18-1-2", false, value, Now, out var ban));
        Assert.Equal(BanTarget.Parse("198.18.1.2"), ban!.Target);
        Assert.Equal("fleet:a", ban.LocalOrigin);
        Assert.Equal(Now.AddMinutes(10), ban.Expires);
        Assert.Equal("held 16 windows shut", ban.Reason);
        inbox.Applied(ban);

        Assert.Equal(FleetVerdict.Duplicate, inbox.Judge("a.198-18-1-2", false, value, Now.AddSeconds(5), out _));
        // A renewal on the deciding host is a new expiry: applied again.
        Assert.Equal(FleetVerdict.Apply, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.2", "a", Now.AddMinutes(20)), Now, out _));
    }

    [Fact]
    public void Own_echoes_forged_origins_expired_and_filtered_bans_are_not_applied()
    {
        var inbox = new FleetInbox("b", new FleetFilter { Origins = ["a", "c"], Scenarios = ["zero-window-hold"] });
        Assert.Equal(FleetVerdict.Echo, inbox.Judge("b.198-18-1-2", false, Value("198.18.1.2", "b", Now.AddMinutes(1)), Now, out _));
        Assert.Equal(FleetVerdict.OriginMismatch, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.2", "c", Now.AddMinutes(1)), Now, out _));
        Assert.Equal(FleetVerdict.Expired, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.2", "a", Now), Now, out _));
        Assert.Equal(FleetVerdict.Filtered, inbox.Judge("d.198-18-1-2", false, Value("198.18.1.2", "d", Now.AddMinutes(1)), Now, out _));
        Assert.Equal(FleetVerdict.Filtered, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.2", "a", Now.AddMinutes(1), "syn-flood"), Now, out _));
        Assert.Equal(FleetVerdict.Malformed, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.3", "a", Now.AddMinutes(1)), Now, out _));
        Assert.Equal(FleetVerdict.Malformed, inbox.Judge("a.198-18-1-2", false, "{not json"u8, Now, out _));
        Assert.Equal(FleetVerdict.Malformed, inbox.Judge("nonsense", false, Value("198.18.1.2", "a", Now.AddMinutes(1)), Now, out _));
    }

    [Fact]
    public void A_delete_revokes_only_what_was_applied_from_that_key()
    {
        var inbox = new FleetInbox("b", new FleetFilter());
        Assert.Equal(FleetVerdict.Nothing, inbox.Judge("a.198-18-1-2", true, [], Now, out _));
        Assert.Equal(FleetVerdict.Apply, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.2", "a", Now.AddMinutes(10)), Now, out var ban));
        inbox.Applied(ban!);

        Assert.Equal(FleetVerdict.Revoke, inbox.Judge("a.198-18-1-2", true, [], Now, out var revoke));
        Assert.Equal(ban!.Target, revoke!.Target);
        Assert.Equal("fleet:a", revoke.LocalOrigin);
        inbox.Revoked(revoke.Key);
        Assert.Equal(FleetVerdict.Nothing, inbox.Judge("a.198-18-1-2", true, [], Now, out _));
    }

    [Fact]
    public void A_restarted_agent_seeded_from_its_store_applies_the_snapshot_again_only_where_it_changed()
    {
        var inbox = new FleetInbox("b", new FleetFilter());
        inbox.Seed([
            new Decision { Target = BanTarget.Parse("198.18.1.2"), Reason = "r", Origin = "fleet:a", Created = Now, Expires = Now.AddMinutes(10) },
            new Decision { Target = BanTarget.Parse("198.18.1.3"), Reason = "r", Origin = "cli", Created = Now, Expires = Now.AddMinutes(10) },
        ]);
        Assert.Equal(1, inbox.Held);
        Assert.Equal(FleetVerdict.Duplicate, inbox.Judge("a.198-18-1-2", false, Value("198.18.1.2", "a", Now.AddMinutes(10).AddMilliseconds(300)), Now, out _));
        Assert.Equal(FleetVerdict.Apply, inbox.Judge("a.198-18-1-3", false, Value("198.18.1.3", "a", Now.AddMinutes(10)), Now, out _));
    }

    private static byte[] Chunk(params string[] values) => Encoding.UTF8.GetBytes("[" + string.Join(",", values) + "]");

    private static string Text(byte[] value) => Encoding.UTF8.GetString(value);

    [Fact]
    public void A_chunks_bans_are_judged_each_as_under_its_own_key_and_a_later_delete_of_that_key_revokes_it()
    {
        var inbox = new FleetInbox("b", new FleetFilter());
        inbox.Seed([new Decision { Target = BanTarget.Parse("198.18.1.4"), Reason = "r", Origin = "fleet:a", Created = Now, Expires = Now.AddMinutes(10) }]);
        var chunk = Chunk(
            Text(Value("198.18.1.2", "a", Now.AddMinutes(10))),
            Text(Value("198.18.1.3", "c", Now.AddMinutes(10))),
            Text(Value("198.18.1.4", "a", Now.AddMinutes(10))),
            Text(Value("198.18.1.5", "a", Now.AddMinutes(-1))),
            Text(Value("2001:2::a1", "a", Now.AddMinutes(10))));
        var members = new List<(FleetVerdict Verdict, FleetBan? Ban)>();

        Assert.Equal(FleetVerdict.Apply, inbox.JudgeChunk("a.bulk.1764849600000-0", false, chunk, Now, members));

        Assert.Equal([FleetVerdict.Apply, FleetVerdict.OriginMismatch, FleetVerdict.Duplicate, FleetVerdict.Expired, FleetVerdict.Apply], members.Select(m => m.Verdict));
        var ban = members[0].Ban!;
        Assert.Equal("a.198-18-1-2", ban.Key);
        Assert.Equal("fleet:a", ban.LocalOrigin);
        Assert.Equal(Now.AddMinutes(10), ban.Expires);
        Assert.Equal("a.2001_2__a1", members[4].Ban!.Key);
        inbox.Applied(ban);

        // Its publisher revokes it on the target's own key, after the chunk; the chunk's own deletion (every ban in it
        // expired) revokes nothing.
        Assert.Equal(FleetVerdict.Revoke, inbox.Judge("a.198-18-1-2", true, [], Now, out var revoke));
        Assert.Equal(ban.Target, revoke!.Target);
        Assert.Equal(FleetVerdict.Nothing, inbox.JudgeChunk("a.bulk.1764849600000-0", true, [], Now, members));
        // This host's own chunk coming back.
        Assert.Equal(FleetVerdict.Echo, inbox.JudgeChunk("b.bulk.1-0", false, Chunk(Text(Value("198.18.1.9", "b", Now.AddMinutes(1)))), Now, members));
    }

    [Fact]
    public void A_malformed_or_hostile_chunk_is_refused_whole()
    {
        var inbox = new FleetInbox("b", new FleetFilter());
        var members = new List<(FleetVerdict Verdict, FleetBan? Ban)>();
        var ok = Text(Value("198.18.1.2", "a", Now.AddMinutes(10)));
        var tooMany = Chunk([.. Enumerable.Range(0, FleetChunk.MaxReceived + 1).Select(i => Text(Value($"198.18.{i / 256}.{i % 256}", "a", Now.AddMinutes(10))))]);
        var huge = Encoding.UTF8.GetBytes("[" + ok + "," + Text(Value("198.18.1.3", "a", Now.AddMinutes(10), new string('x', FleetChunk.MaxBytes))) + "]");

        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, "[{not json"u8.ToArray(), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, Encoding.UTF8.GetBytes(ok), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, Chunk(ok, "null"), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, Chunk(ok, """{"target":"198.18.1.3"}"""), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, Chunk(ok, Text(Value("not-an-address", "a", Now.AddMinutes(10)))), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, Chunk(ok, Text(Value("198.18.1.2", "a", Now.AddMinutes(20)))), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, tooMany, Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1-0", false, huge, Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.", false, Chunk(ok), Now, members));
        Assert.Equal(FleetVerdict.Malformed, inbox.JudgeChunk("a.bulk.1.2", false, Chunk(ok), Now, members));
        Assert.Empty(members);
        // A chunk key is never read as a target's key.
        Assert.Equal(FleetVerdict.Malformed, inbox.Judge("a.bulk.1-0", false, Encoding.UTF8.GetBytes(ok), Now, out _));
        Assert.Equal(0, inbox.Held);
    }
}
