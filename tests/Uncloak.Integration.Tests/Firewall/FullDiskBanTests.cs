using System.Text;
using System.Text.Json;
using Xunit;

namespace Uncloak.Integration.Tests.Firewall;

/// <summary>Issue 17, item 9 (and the ban half of item 4): the bans verbs on a store whose disk is full.</summary>
public sealed class FullDiskBanTests
{
    internal static int SetSize(DefendLab lab, string set)
    {
        using var doc = JsonDocument.Parse(lab.Nft(lab.Server, "-j", "list", "set", "inet", "uncloak", set));
        return doc.RootElement.GetProperty("nftables").EnumerateArray()
            .Where(i => i.TryGetProperty("set", out _))
            .Sum(i => i.GetProperty("set").TryGetProperty("elem", out var e) ? e.GetArrayLength() : 0);
    }

    [RootFact]
    public void An_import_onto_a_full_disk_says_the_store_failed_with_exit_3_and_leaves_the_kernel_as_it_was()
    {
        using var lab = new DefendLab();
        using var disk = new TinyDisk(4);
        string db = Path.Combine(disk.Dir, "uncloak.db");
        var first = lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "1h", "--db", db]);
        Assert.True(first.ExitCode == 0, first.ToString());

        // Large enough for the parallel path (store and kernel written at once), so the kernel must be put back.
        var list = new StringBuilder();
        for (int i = 0; i < 5000; i++)
        {
            list.Append("198.19.").Append(i / 250).Append('.').Append(i % 250 + 1).Append('\n');
        }
        string file = Path.Combine(lab.Dir, "list.txt");
        File.WriteAllText(file, list.ToString());

        disk.Fill(keepBytes: 96 * 1024);
        var full = lab.Uncloak(lab.Server, ["bans", "import", file, "--for", "1h", "--db", db]);
        Assert.True(full.ExitCode == 3, full.ToString());
        Assert.Contains("the store failed", full.Error);
        Assert.DoesNotContain("Unhandled", full.Error);
        Assert.DoesNotContain("   at ", full.Error);
        Assert.Equal(1, SetSize(lab, "ban4"));

        disk.Free();
        var again = lab.Uncloak(lab.Server, ["bans", "import", file, "--for", "1h", "--db", db]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(5001, SetSize(lab, "ban4"));
    }
}
