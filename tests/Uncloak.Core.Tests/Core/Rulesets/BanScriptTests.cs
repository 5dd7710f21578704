using System.Text;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

/// <summary>Golden files: the exact nft script handed to libnftables. Regenerate with UNCLOAK_UPDATE_GOLDEN=1 and review the diff.</summary>
public sealed class BanScriptTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_skeleton_with_one_element_per_set_and_a_delete_matches_its_golden_file()
    {
        var script = BanScript.Render(
            withSkeleton: true,
            delete: [BanTarget.Parse("198.18.9.9")],
            add:
            [
                new BanElement(BanTarget.Parse("198.18.0.5"), Now.AddHours(1)),
                new BanElement(BanTarget.Parse("198.18.4.0/24"), Now.AddMinutes(90)),
                new BanElement(BanTarget.Parse("2001:2::5"), Now.AddDays(7)), // a bare IPv6 address is its /64
                new BanElement(BanTarget.Parse("2001:2::5/128"), Now.AddSeconds(0.2)),
            ],
            Now);
        Golden.AssertText("rulesets/bans.nft", Encoding.UTF8.GetString(script));
    }

    [Fact]
    public void Flush_empties_all_four_sets_and_nothing_else()
    {
        var lines = Encoding.UTF8.GetString(BanScript.RenderFlush()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["flush set inet uncloak ban4", "flush set inet uncloak ban6", "flush set inet uncloak ban4net", "flush set inet uncloak ban6net"], lines);
    }

    [Fact]
    public void A_hundred_thousand_elements_render_as_one_transaction_with_one_command_per_set()
    {
        var add = Enumerable.Range(0, 100_000)
            .Select(i => new BanElement(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC612_0000u + (uint)i), 32), Now.AddHours(1)))
            .ToList();
        var lines = Encoding.UTF8.GetString(BanScript.Render(false, [], add, Now)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var command = Assert.Single(lines);
        Assert.StartsWith("add element inet uncloak ban4 { 198.18.0.0 timeout 3600s, 198.18.0.1 timeout 3600s, ", command, StringComparison.Ordinal);
        Assert.EndsWith(", 198.19.134.159 timeout 3600s }", command, StringComparison.Ordinal);
        Assert.Equal(100_000, command.Split(" timeout 3600s").Length - 1);
    }

    [Fact]
    public void Networks_and_ipv6_hosts_are_written_in_canonical_form()
    {
        var add = new[]
        {
            new BanElement(BanTarget.Parse("2001:2:0:0::/64"), Now.AddSeconds(10)),
            new BanElement(BanTarget.Parse("2001:2::1:0:0:7/128"), Now.AddSeconds(10)),
            new BanElement(BanTarget.Parse("0.0.0.0/8"), Now.AddSeconds(10)),
            new BanElement(BanTarget.Parse("255.255.255.254"), Now.AddSeconds(10)),
        };
        var script = Encoding.UTF8.GetString(BanScript.Render(false, [], add, Now));
        Assert.Equal(
            "add element inet uncloak ban4 { 255.255.255.254 timeout 10s }\n" +
            "add element inet uncloak ban6 { 2001:2::1:0:0:7 timeout 10s }\n" +
            "add element inet uncloak ban4net { 0.0.0.0/8 timeout 10s }\n" +
            "add element inet uncloak ban6net { 2001:2::/64 timeout 10s }\n",
            script);
    }
}
