using Microsoft.Data.Sqlite;
using Uncloak.Core.Decisions;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 16, item 2: "why was this address banned?" — `uncloak peer ADDR` over a real store filled by `analyze`, and the
/// `bans list` filters and `bans del` selections over the same decisions.
/// </summary>
public sealed class PeerCommandTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    private string Db => Path.Combine(_dir, "t.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Shrunk(DateTime t, int peerPort, uint sndUna) =>
        $"{t:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer 198.18.3.5:{peerPort}/443 unexpectedly shrunk window {sndUna}:{sndUna + 2709} (repaired)";

    /// <summary>Seven treason lines from 198.18.3.5 (two stalls) and one from another peer, stored by analyze; then three decisions.</summary>
    private (long SourceId, long Offset) Fill(DateTimeOffset now)
    {
        var t = now.UtcDateTime.AddMinutes(-30);
        var log = Path.Combine(_dir, "kern.log");
        File.WriteAllLines(log, [
            .. Enumerable.Range(0, 5).Select(i => Shrunk(t.AddSeconds(i * 3), 40000, 2238402976)),
            .. Enumerable.Range(0, 2).Select(i => Shrunk(t.AddMinutes(10).AddSeconds(i), 40001, 77)),
            $"{t:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer 198.18.7.7:1/443 unexpectedly shrunk window 1:2 (repaired)",
        ]);
        var analyze = CliRun.Run("analyze", "--db", Db, "--json", log);
        Assert.True(analyze.ExitCode is 0 or 1, analyze.Error);
        var stored = Store.Events.StoredRows.In(Db);
        var (sourceId, offset) = ((long)stored[^2].Source, stored[^2].Offset); // the last line of 198.18.3.5
        using var store = SqliteStore.Open(Db);
        var decisions = new DecisionStore(store);
        Decision Ban(string target, string origin, string? scenario, int agoMinutes, int minutes) => new()
        {
            Target = BanTarget.Parse(target), Reason = $"{scenario ?? "by hand"}: 7 events", Origin = origin, Scenario = scenario,
            Created = now.AddMinutes(-agoMinutes), Expires = now.AddMinutes(-agoMinutes + minutes), Status = DecisionStatus.Active,
        };
        decisions.Insert([
            Ban("198.18.3.5", "watch", "shrunk-window-peers", 20, 60) with { Evidence = new DecisionEvidence((int)sourceId, offset, now.AddMinutes(-30), 7) },
            Ban("198.18.3.0/24", "cli", null, 25, 60),
            Ban("198.18.7.7", "import", null, 300, 600),
        ]);
        decisions.Revoke([BanTarget.Parse("198.18.3.0/24")], now.AddMinutes(-5), "root (bans del)");
        return (sourceId, offset);
    }

    [Fact]
    public void Peer_shows_events_by_episode_and_each_decision_with_its_evidence_line_and_revocation()
    {
        var now = DateTimeOffset.UtcNow;
        Fill(now);
        var r = CliRun.Run("peer", "198.18.3.5", "--db", Db, "--json");
        Assert.Equal(0, r.ExitCode);
        var j = CliRun.Json(r.Output);
        Assert.Equal("uncloak.peer/1", j.GetProperty("schema").GetString());
        Assert.True(j.GetProperty("banned").GetBoolean());
        Assert.Equal(7, j.GetProperty("events").GetInt32());
        var treason = Assert.Single(j.GetProperty("kinds").EnumerateArray());
        Assert.Equal("treason", treason.GetProperty("kind").GetString());
        Assert.Equal(7, treason.GetProperty("events").GetInt64());
        Assert.Equal(2, treason.GetProperty("episodes").GetInt32()); // two stalls, not seven incidents
        var decisions = j.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(2, decisions.Count); // the host and the /24 containing it; not the other peer
        var watch = decisions.Single(d => d.GetProperty("origin").GetString() == "watch");
        Assert.Equal("shrunk-window-peers", watch.GetProperty("scenario").GetString());
        Assert.Equal("in force", watch.GetProperty("state").GetString());
        var evidence = watch.GetProperty("evidence");
        Assert.Contains("Peer 198.18.3.5:40001/443 unexpectedly shrunk window", evidence.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("kern.log", evidence.GetProperty("source").GetString(), StringComparison.Ordinal);
        var manual = decisions.Single(d => d.GetProperty("origin").GetString() == "cli");
        Assert.Equal("revoked", manual.GetProperty("state").GetString());
        Assert.Equal("root (bans del)", manual.GetProperty("revoked_by").GetString());
        Assert.EndsWith("Z", manual.GetProperty("revoked").GetString(), StringComparison.Ordinal);

        var text = CliRun.Run("peer", "198.18.3.5", "--db", Db);
        Assert.Contains("BANNED now", text.Output, StringComparison.Ordinal);
        Assert.Contains("7 events in 2 episode(s)", text.Output, StringComparison.Ordinal);
        Assert.Contains("revoked", text.Output, StringComparison.Ordinal);
        Assert.Contains("by root (bans del)", text.Output, StringComparison.Ordinal);
        Assert.Contains("unexpectedly shrunk window", text.Output, StringComparison.Ordinal);

        Assert.Equal(2, CliRun.Run("peer", "not-an-address", "--db", Db).ExitCode);
        var unknown = CliRun.Json(CliRun.Run("peer", "198.18.200.1", "--db", Db, "--json").Output);
        Assert.Equal(0, unknown.GetProperty("events").GetInt32());
        Assert.Empty(unknown.GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public void Bans_list_filters_by_address_scenario_origin_since_and_activity()
    {
        var now = DateTimeOffset.UtcNow;
        Fill(now);
        string[] Targets(params string[] args)
        {
            var r = CliRun.Run(["bans", "list", "--db", Db, "--json", .. args]);
            Assert.True(r.ExitCode == 0, r.Error);
            var j = CliRun.Json(r.Output);
            Assert.Equal("uncloak.bans.list/1", j.GetProperty("schema").GetString());
            return [.. j.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("target").GetString()!).Order(StringComparer.Ordinal)];
        }
        Assert.Equal(["198.18.3.5", "198.18.7.7"], Targets());
        Assert.Equal(["198.18.3.0/24", "198.18.3.5"], Targets("198.18.3.5", "--all"));
        Assert.Equal(["198.18.3.5"], Targets("198.18.3.5"));
        Assert.Equal(["198.18.3.5"], Targets("--scenario", "shrunk-window-peers"));
        Assert.Equal(["198.18.7.7"], Targets("--origin", "import"));
        Assert.Equal(["198.18.3.0/24", "198.18.3.5"], Targets("--all", "--since", "1h"));
        Assert.Equal(["198.18.3.5", "198.18.7.7"], Targets("--all", "--active"));
        Assert.Equal(2, CliRun.Run("bans", "list", "--db", Db, "--since", "yesterday-ish").ExitCode);
        Assert.Equal(2, CliRun.Run("bans", "list", "--db", Db, "198.18.3.x").ExitCode);
    }

    [Fact]
    public void Bans_del_selects_by_scenario_or_origin_and_refuses_neither_or_both_ways()
    {
        var now = DateTimeOffset.UtcNow;
        Fill(now);
        var dry = CliRun.Run("bans", "del", "--scenario", "shrunk-window-peers", "--dry-run", "--db", Db, "--json");
        Assert.Equal(0, dry.ExitCode);
        var j = CliRun.Json(dry.Output);
        Assert.Equal("uncloak.bans.del/1", j.GetProperty("schema").GetString());
        Assert.Equal(1, j.GetProperty("revoked").GetInt32());
        Assert.Equal(1, CliRun.Run("bans", "del", "--origin", "nobody", "--dry-run", "--db", Db).ExitCode);
        Assert.Equal(2, CliRun.Run("bans", "del", "--dry-run", "--db", Db).ExitCode);
        Assert.Equal(2, CliRun.Run("bans", "del", "198.18.3.5", "--origin", "cli", "--dry-run", "--db", Db).ExitCode);
    }
}
