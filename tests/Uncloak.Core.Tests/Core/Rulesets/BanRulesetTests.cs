using System.Text;
using System.Text.Json;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

/// <summary>Golden files: the exact JSON handed to libnftables. Regenerate with UNCLOAK_UPDATE_GOLDEN=1 and review the diff.</summary>
public sealed class BanRulesetTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_skeleton_with_one_element_per_set_and_a_delete_matches_its_golden_file()
    {
        var json = BanRuleset.Render(
            withSkeleton: true,
            delete: [BanTarget.Parse("198.18.9.9")],
            add:
            [
                new BanElement(BanTarget.Parse("198.18.0.5"), Now.AddHours(1)),
                new BanElement(BanTarget.Parse("198.18.4.0/24"), Now.AddMinutes(90)),
                new BanElement(BanTarget.Parse("2001:2::5"), Now.AddDays(7)),
                new BanElement(BanTarget.Parse("2001:2::5/128"), Now.AddSeconds(0.2)),
            ],
            Now);
        Golden.AssertJson("rulesets/bans.json", json);
    }

    [Fact]
    public void Flush_empties_all_four_sets_and_nothing_else()
    {
        using var doc = JsonDocument.Parse(BanRuleset.RenderFlush());
        var commands = doc.RootElement.GetProperty("nftables").EnumerateArray().ToList();
        Assert.Equal(4, commands.Count);
        Assert.All(commands, c => Assert.Equal("uncloak", c.GetProperty("flush").GetProperty("set").GetProperty("table").GetString()));
    }

    [Fact]
    public void A_hundred_thousand_elements_render_as_one_transaction_with_one_command_per_set()
    {
        var add = Enumerable.Range(0, 100_000)
            .Select(i => new BanElement(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC612_0000u + (uint)i), 32), Now.AddHours(1)))
            .ToList();
        using var doc = JsonDocument.Parse(BanRuleset.Render(false, [], add, Now));
        var commands = doc.RootElement.GetProperty("nftables").EnumerateArray().ToList();
        Assert.Single(commands);
        Assert.Equal(100_000, commands[0].GetProperty("add").GetProperty("element").GetProperty("elem").GetArrayLength());
    }
}
