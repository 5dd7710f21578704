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
}
