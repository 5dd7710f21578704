using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Uncloak.Integration.Tests.Firewall;

/// <summary>Bans against the real kernel: every test builds its own namespaces (server, peers A and B) and its own store.</summary>
public sealed class BanEnforcementTests
{
    private static void Ok(Shell.Result r) => Assert.True(r.ExitCode == 0, r.ToString());

    private static long Dropped(DefendLab lab, string set)
    {
        using var doc = JsonDocument.Parse(lab.Uncloak(lab.Server, ["bans", "list", "--counters", "--json", "--db", lab.Db]).Output);
        return doc.RootElement.GetProperty("counters").EnumerateArray().Single(c => c.GetProperty("set").GetString() == set).GetProperty("packets").GetInt64();
    }

    private static int SetSize(DefendLab lab, string set)
    {
        using var doc = JsonDocument.Parse(lab.Nft(lab.Server, "-j", "list", "set", "inet", "uncloak", set));
        return doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("set", out _))
            .Sum(i => i.GetProperty("set").TryGetProperty("elem", out var e) ? e.GetArrayLength() : 0);
    }

    [RootFact]
    public void A_ban_stops_one_peers_connects_and_pings_while_another_peer_still_connects()
    {
        using var lab = new DefendLab();
        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "peer A should connect before the ban");
        Assert.True(lab.CanPing(lab.A, DefendLab.ServerA), "peer A should ping before the ban");

        Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "10m", "--db", lab.Db]));

        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700), "banned peer A still connects");
        Assert.False(lab.CanPing(lab.A, DefendLab.ServerA, 700), "banned peer A still gets ping replies");
        Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB), "peer B must still connect");
        Assert.True(Dropped(lab, "ban4") >= 2, "the ban4 rule counter should count the dropped SYN and echo");
    }

    [RootFact]
    public void A_ban_with_kill_also_resets_the_connection_the_peer_already_holds()
    {
        using var lab = new DefendLab();
        using var held = DefendLab.Hold(lab.A, DefendLab.ServerA);
        using var other = DefendLab.Hold(lab.B, DefendLab.ServerB);
        held.ReceiveTimeout = 3000;
        other.ReceiveTimeout = 500;

        var r = lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--kill", "--json", "--db", lab.Db]);
        Ok(r);
        using (var doc = JsonDocument.Parse(r.Output))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("connections_killed").GetInt32());
        }

        // SOCK_DESTROY makes the server send a reset: the peer's blocked read ends at once instead of timing out.
        var buffer = new byte[16];
        var error = Record.Exception(() => held.Receive(buffer));
        Assert.True(error is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset } || error is null,
            $"the held connection should have been reset, got {error?.Message ?? "data"}");
        var untouched = Record.Exception(() => other.Receive(buffer));
        Assert.True(untouched is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.TimedOut or System.Net.Sockets.SocketError.WouldBlock },
            $"peer B's connection must stay open (a read times out), got {untouched?.Message ?? "end of stream"}");
    }

    [RootFact]
    public void A_ban_ends_by_itself_when_its_timeout_passes()
    {
        using var lab = new DefendLab();
        Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "3s", "--db", lab.Db]));
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 500));

        // The kernel expires the element; nothing in Uncloak runs. Bounded wait: 3 s timeout + GC slack.
        var clock = Stopwatch.StartNew();
        bool back = false;
        while (!back && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            back = lab.CanConnect(lab.A, DefendLab.ServerA, 500);
        }
        Assert.True(back, "peer A should connect again after the ban's 3 s timeout");
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1.5), $"the ban ended too early ({clock.Elapsed})");
        Assert.Equal(0, SetSize(lab, "ban4"));
    }

    [RootFact]
    public void Unban_lets_the_peer_back_at_once_and_is_recorded_as_revoked()
    {
        using var lab = new DefendLab();
        Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "1h", "--db", lab.Db]));
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 500));

        Ok(lab.Uncloak(lab.Server, ["bans", "del", "198.18.1.2", "--db", lab.Db]));

        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "peer A should connect after the unban");
        var all = lab.Uncloak(lab.Server, ["bans", "list", "--all", "--json", "--db", lab.Db]).Output;
        Assert.Contains("\"status\": \"revoked\"", all);
        Assert.Equal(1, lab.Uncloak(lab.Server, ["bans", "del", "198.18.1.2", "--db", lab.Db]).ExitCode);
    }

    [RootFact]
    public void An_IPv6_ban_covers_the_peers_whole_64_and_spares_other_prefixes()
    {
        using var lab = new DefendLab();
        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA6), "peer A should connect over IPv6 before the ban");

        // Another address of A's /64: the ban is aggregated, so A's own address is covered too.
        var r = lab.Uncloak(lab.Server, ["bans", "add", "2001:2:0:a1::99", "--for", "10m", "--db", lab.Db]);
        Ok(r);
        Assert.Contains("2001:2:0:a1::/64", r.Output);

        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA6, 700), "peer A's /64 is banned but it still connects over IPv6");
        Assert.False(lab.CanPing(lab.A, DefendLab.ServerA6, 700), "peer A's /64 is banned but it still gets ping replies");
        Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB6), "peer B's /64 must still connect");
        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "the IPv6 ban must not touch A's IPv4 address");
        Assert.True(Dropped(lab, "ban6net") >= 1);
    }

    [RootFact]
    public void A_hundred_thousand_bans_import_in_one_transaction_and_are_restored_after_the_kernel_table_is_gone()
    {
        using var lab = new DefendLab();
        var list = new StringBuilder();
        const uint first = (198u << 24) | (18u << 16) | (64u << 8); // 198.18.64.0 .. 198.19.198.159: inside 198.18.0.0/15, away from the lab's links
        for (uint i = 0; i < 100_000; i++)
        {
            uint a = first + i;
            list.Append(a >> 24).Append('.').Append((a >> 16) & 255).Append('.').Append((a >> 8) & 255).Append('.').Append(a & 255).Append('\n');
        }
        File.WriteAllText(Path.Combine(lab.Dir, "list.txt"), list.ToString());
        // One more line that is the lab's peer A, so the import also blocks real traffic.
        File.AppendAllText(Path.Combine(lab.Dir, "list.txt"), "198.18.1.2 # peer A\n");

        var import = lab.Uncloak(lab.Server, ["bans", "import", Path.Combine(lab.Dir, "list.txt"), "--for", "1h", "--json", "--db", lab.Db]);
        Ok(import);
        using (var doc = JsonDocument.Parse(import.Output))
        {
            Assert.Equal(100_001, doc.RootElement.GetProperty("accepted").GetInt32());
            Assert.Equal(100_001, doc.RootElement.GetProperty("kernel_added").GetInt32());
        }
        Assert.Equal(100_001, SetSize(lab, "ban4"));
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 500));

        // A reboot-like loss of the kernel state: the whole table is gone; the store still knows.
        lab.Nft(lab.Server, "delete", "table", "inet", "uncloak");
        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "with the table gone peer A connects again");

        var sync = lab.Uncloak(lab.Server, ["bans", "sync", "--json", "--db", lab.Db]);
        Ok(sync);
        using (var doc = JsonDocument.Parse(sync.Output))
        {
            Assert.True(doc.RootElement.GetProperty("installed").GetBoolean());
            Assert.Equal(100_001, doc.RootElement.GetProperty("restored").GetInt32());
        }
        Assert.Equal(100_001, SetSize(lab, "ban4"));
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 500), "the restored ban must block peer A again");

        // Export gives back the same list; a second sync finds nothing to do.
        var exported = lab.Uncloak(lab.Server, ["bans", "export", "--db", lab.Db]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100_001, exported.Length);
        using (var doc = JsonDocument.Parse(lab.Uncloak(lab.Server, ["bans", "sync", "--json", "--db", lab.Db]).Output))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("restored").GetInt32());
            Assert.Equal(100_001, doc.RootElement.GetProperty("kept").GetInt32());
        }
    }

    [RootFact]
    public void A_repeat_offender_is_banned_longer_by_the_configured_factor_in_store_and_kernel()
    {
        using var lab = new DefendLab();
        Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "3s", "--escalation-factor", "3", "--db", lab.Db]));

        // A ban still in force is not a repeat offence (issue 17, item 6): banning again keeps the first duration.
        var again = lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "3s", "--escalation-factor", "3", "--json", "--db", lab.Db]);
        Ok(again);
        using (var doc = JsonDocument.Parse(again.Output))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("decisions")[0].GetProperty("repeat").GetInt32());
        }

        // Once the kernel has expired it (bounded wait), the next ban is a repeat and lasts factor times longer.
        var clock = Stopwatch.StartNew();
        while (SetSize(lab, "ban4") > 0 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            Thread.Sleep(200);
        }
        Assert.Equal(0, SetSize(lab, "ban4"));
        var second = lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "10m", "--escalation-factor", "3", "--json", "--db", lab.Db]);
        Ok(second);
        using (var doc = JsonDocument.Parse(second.Output))
        {
            var d = doc.RootElement.GetProperty("decisions")[0];
            Assert.Equal(1, d.GetProperty("repeat").GetInt32());
            Assert.Equal(1800, d.GetProperty("duration_s").GetInt64());
        }
        using var set = JsonDocument.Parse(lab.Nft(lab.Server, "-j", "list", "set", "inet", "uncloak", "ban4"));
        var elem = set.RootElement.GetProperty("nftables").EnumerateArray().First(i => i.TryGetProperty("set", out _))
            .GetProperty("set").GetProperty("elem")[0].GetProperty("elem");
        Assert.Equal(1800, elem.GetProperty("timeout").GetInt64());
    }

    [RootFact]
    public void Sync_removes_bans_the_store_does_not_hold()
    {
        using var lab = new DefendLab();
        Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.9.9", "--for", "1h", "--db", lab.Db]));
        lab.Nft(lab.Server, "add", "element", "inet", "uncloak", "ban4", "{ 198.18.1.2 timeout 1h }");
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 500));

        Ok(lab.Uncloak(lab.Server, ["bans", "sync", "--db", lab.Db]));

        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "a ban the store does not hold must be removed by sync");
        Assert.Equal(1, SetSize(lab, "ban4"));
    }

    [RootFact]
    public void Own_gateway_ssh_client_and_allowlisted_addresses_are_refused_with_a_clear_message_and_recorded()
    {
        using var lab = new DefendLab();
        // Peer A: its own address, its gateway (the server), an allowlisted monitoring net and the SSH client.
        var r = lab.Uncloak(lab.A,
            ["bans", "add", "198.18.1.2", "198.18.1.1", "198.19.250.7", "198.19.77.1", "127.0.0.1", "198.18.30.30", "--allow", "198.19.250.0/24", "--db", lab.Db],
            env: new Dictionary<string, string> { ["SSH_CONNECTION"] = "198.19.77.1 50000 198.18.1.2 22" });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("refused to ban 198.18.1.2: it covers 198.18.1.2, one of this machine's own addresses", r.Output);
        Assert.Contains("refused to ban 198.18.1.1: it covers 198.18.1.1, this machine's default gateway", r.Output);
        Assert.Contains("refused to ban 198.19.250.7: it overlaps the allowlisted network 198.19.250.0/24", r.Output);
        Assert.Contains("refused to ban 198.19.77.1: it covers 198.19.77.1, the address of your own SSH session", r.Output);
        Assert.Contains("refused to ban 127.0.0.1: it covers loopback", r.Output);
        Assert.Contains("banned 198.18.30.30", r.Output);

        using var doc = JsonDocument.Parse(lab.Uncloak(lab.A, ["bans", "list", "--all", "--json", "--db", lab.Db]).Output);
        var refusals = doc.RootElement.GetProperty("decisions").EnumerateArray()
            .Where(d => d.GetProperty("status").GetString() == "refused")
            .Select(d => d.GetProperty("refusal").GetString()!).Order().ToArray();
        Assert.Equal(["allowlisted", "gateway", "loopback", "own_address", "ssh_client"], refusals);
        Assert.Equal(1, SetSizeIn(lab, lab.A, "ban4"));
    }

    [RootFact]
    public void The_rate_cap_refuses_bans_beyond_it_and_raises_a_loud_alert()
    {
        using var lab = new DefendLab();
        var list = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"198.18.50.{i}"));
        File.WriteAllText(Path.Combine(lab.Dir, "ten.txt"), list);
        var r = lab.Uncloak(lab.Server, ["bans", "import", Path.Combine(lab.Dir, "ten.txt"), "--max-per-minute", "6", "--db", lab.Db]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ALERT", r.Error);
        Assert.Contains("cap of 6 new bans per minute was reached; 4 bans were REFUSED", r.Error);

        // The window remembers: within the same minute, one more is refused too.
        var again = lab.Uncloak(lab.Server, ["bans", "add", "198.18.60.1", "--max-per-minute", "6", "--db", lab.Db]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("ALERT", again.Error);
        Assert.Equal(6, SetSize(lab, "ban4"));
    }

    [RootFact]
    public void The_iptables_and_ipset_backend_blocks_the_same_way()
    {
        using var lab = new DefendLab();
        Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "2001:2:0:a1::2", "--for", "10m", "--backend", "iptables", "--db", lab.Db]));
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700), "ipset ban4 should block A over IPv4");
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA6, 700), "ipset ban6net should block A's /64");
        Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB), "peer B must still connect");

        Shell.Check("ip", "netns", "exec", lab.Server, "ipset", "flush", "uncloak-ban4");
        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA));
        Ok(lab.Uncloak(lab.Server, ["bans", "sync", "--backend", "iptables", "--db", lab.Db]));
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700), "sync should restore the ipset element");
        Ok(lab.Uncloak(lab.Server, ["bans", "flush", "--backend", "iptables", "--db", lab.Db]));
        Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA));
    }

    [RootFact]
    public void The_nft_program_fallback_bans_like_libnftables()
    {
        using var lab = new DefendLab();
        var r = lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "10m", "--db", lab.Db], env: new Dictionary<string, string> { ["UNCLOAK_NFT"] = "process" });
        Ok(r);
        Assert.Contains("nftables (nft)", r.Output);
        Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700));
        Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB));
    }

    private static int SetSizeIn(DefendLab lab, string ns, string set)
    {
        using var doc = JsonDocument.Parse(lab.Nft(ns, "-j", "list", "set", "inet", "uncloak", set));
        return doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("set", out _))
            .Sum(i => i.GetProperty("set").TryGetProperty("elem", out var e) ? e.GetArrayLength() : 0);
    }
}
