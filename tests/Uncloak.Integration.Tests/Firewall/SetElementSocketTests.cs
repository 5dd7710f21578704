using System.Net;
using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Xunit;

namespace Uncloak.Integration.Tests.Firewall;

/// <summary>
/// The direct nf_tables netlink batch against the real kernel (issue 17): what it adds, deletes and re-times is what
/// <c>nft list set</c> then shows, and a batch the kernel refuses changes nothing. Each test has its own namespaces.
/// </summary>
public sealed class SetElementSocketTests
{
    /// <summary>Element → seconds of its timeout, as nft lists them.</summary>
    private static Dictionary<string, long> Elements(DefendLab lab, string set)
    {
        using var doc = JsonDocument.Parse(lab.Nft(lab.Server, "-j", "list", "set", "inet", "uncloak", set));
        var result = new Dictionary<string, long>();
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("set", out var s) && s.TryGetProperty("elem", out var elems))
            {
                foreach (var e in elems.EnumerateArray())
                {
                    var elem = e.GetProperty("elem");
                    result[elem.GetProperty("val").GetString()!] = elem.GetProperty("timeout").GetInt64();
                }
            }
        }
        return result;
    }

    private static BanElement Ban(string target, DateTimeOffset now, TimeSpan left) => new(BanTarget.Parse(target, 128), now + left);

    [RootFact]
    public void Adds_deletes_and_new_timeouts_sent_as_one_batch_are_what_nft_lists()
    {
        using var lab = new DefendLab();
        var now = DateTimeOffset.UtcNow;
        DefendLab.InNamespace(lab.Server, () =>
        {
            using var backend = FirewallBackends.Open(FirewallBackend.Nftables);
            backend.Apply([], [], now); // the table, sets, chain and rules, with no element
            using var socket = SetElementSocket.TryOpen();
            Assert.NotNull(socket);

            // 5,000 IPv4 addresses (three element messages) and two IPv6 hosts, one batch.
            var adds = Enumerable.Range(0, 5_000)
                .Select(i => new BanElement(new BanTarget(NetAddress.FromV4(0xC612_4000u + (uint)i), 32), now.AddHours(1)))
                .Append(Ban("2001:2:0:7::1", now, TimeSpan.FromMinutes(10)))
                .Append(Ban("2001:2:0:7::2", now, TimeSpan.FromMinutes(10)))
                .ToList();
            Assert.Null(socket.TryApply([], adds, now));
            var ban4 = Elements(lab, "ban4");
            Assert.Equal(5_000, ban4.Count);
            Assert.Equal(3600, ban4["198.18.64.0"]);
            Assert.Equal(3600, ban4["198.18.83.135"]);
            Assert.Equal(new Dictionary<string, long> { ["2001:2:0:7::1"] = 600, ["2001:2:0:7::2"] = 600 }, Elements(lab, "ban6"));

            // Deletes (one present, one the kernel never held) and a new timeout for a present element, one batch.
            Assert.Null(socket.TryApply(
                [BanTarget.Parse("198.18.64.0"), BanTarget.Parse("2001:2:0:7::1", 128), BanTarget.Parse("198.18.250.250"), BanTarget.Parse("198.18.64.1")],
                [Ban("198.18.64.1", now, TimeSpan.FromHours(2))],
                now));
            ban4 = Elements(lab, "ban4");
            Assert.Equal(4_999, ban4.Count);
            Assert.False(ban4.ContainsKey("198.18.64.0"));
            Assert.False(ban4.ContainsKey("198.18.250.250"));
            Assert.Equal(7200, ban4["198.18.64.1"]);
            Assert.Equal(["2001:2:0:7::2"], Elements(lab, "ban6").Keys);
            return 0;
        });
    }

    [RootFact]
    public void A_batch_the_kernel_refuses_changes_nothing_and_says_why()
    {
        using var lab = new DefendLab();
        var now = DateTimeOffset.UtcNow;
        DefendLab.InNamespace(lab.Server, () =>
        {
            using var backend = FirewallBackends.Open(FirewallBackend.Nftables);
            backend.Apply([], [Ban("198.18.5.5", now, TimeSpan.FromHours(1))], now);
            using var socket = SetElementSocket.TryOpen();
            Assert.NotNull(socket);

            // The IPv4 half is valid, the IPv6 half names a set that is not there: all or nothing.
            lab.Nft(lab.Server, "delete", "table", "inet", "uncloak");
            lab.Nft(lab.Server, "add", "table", "inet", "uncloak");
            lab.Nft(lab.Server, "add", "set", "inet", "uncloak", "ban4", "{ type ipv4_addr; flags timeout; }");
            var error = socket.TryApply([], [Ban("198.18.5.7", now, TimeSpan.FromHours(1)), Ban("2001:2:0:7::3", now, TimeSpan.FromHours(1))], now);
            Assert.NotNull(error);
            Assert.Contains("errno 2", error, StringComparison.Ordinal); // ENOENT: no set ban6
            Assert.Empty(Elements(lab, "ban4")); // the valid IPv4 half was not applied either

            // The same socket goes on working after a refusal.
            Assert.Null(socket.TryApply([], [Ban("198.18.5.8", now, TimeSpan.FromHours(1))], now));
            Assert.Equal(["198.18.5.8"], Elements(lab, "ban4").Keys);
            return 0;
        });
    }
}
