using Uncloak.Core.Decisions;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 17 item 8: a store with damaged pages is refused by every command with a clear message and exit 3, nothing is
/// written into it, and `store check` / `store recover` are the way out.
/// </summary>
public sealed class StoreCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly string _dir = CliRun.TempDir();

    private string Db => Path.Combine(_dir, "t.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A store of 3,000 bans in force, checkpointed into the main file, closed.</summary>
    private void CreateStore()
    {
        using var store = SqliteStore.Open(Db);
        var bans = Enumerable.Range(0, 3000).Select(i => new Decision
        {
            Target = new BanTarget(Events.NetAddress.FromV4(0xC613_0000u + (uint)i), 32),
            Reason = "a reason long enough to spread the rows over many pages of the decisions table",
            Origin = "cli",
            Created = Now,
            Expires = Now.AddDays(1),
            Status = DecisionStatus.Active,
        }).ToList();
        new DecisionStore(store).Insert(bans);
        store.Execute("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>The store's page size, from its file header (bytes 16–17, big-endian).</summary>
    private int PageSize()
    {
        var header = new byte[18];
        using var f = File.OpenRead(Db);
        f.ReadExactly(header);
        return (header[16] << 8) | header[17];
    }

    /// <summary>Overwrites one page in the middle of the file with garbage, as a failing disk would.</summary>
    private void DamageOnePage()
    {
        int page = PageSize();
        long length = new FileInfo(Db).Length;
        Assert.True(length > 20 * page, $"the store should span many pages, has {length} bytes");
        using var f = new FileStream(Db, FileMode.Open, FileAccess.Write);
        f.Position = length / page / 2 * page;
        f.Write(Enumerable.Repeat((byte)0xA5, page).ToArray());
    }

    [Fact]
    public void Every_command_refuses_a_damaged_store_with_exit_3_and_writes_nothing_into_it()
    {
        CreateStore();
        DamageOnePage();
        var before = File.ReadAllBytes(Db);
        foreach (var args in new[]
        {
            new[] { "bans", "list", "--db", Db },
            ["bans", "add", "198.18.0.9", "--dry-run", "--db", Db],
            ["bans", "export", "--db", Db],
            ["report", "--db", Db],
            ["analyze", "--db", Db, CliRun.Demo("kern.log")],
        })
        {
            var (exit, _, err) = CliRun.Run(args);
            Assert.True(exit == 3, $"{string.Join(' ', args)}: exit {exit}\n{err}");
            Assert.Contains("is damaged", err);
            Assert.Contains("uncloak store recover", err);
            Assert.DoesNotContain("   at ", err);
        }
        Assert.Equal(before, File.ReadAllBytes(Db));
    }

    [Fact]
    public void Store_check_names_the_damage_and_recover_salvages_the_readable_rows_keeping_the_damaged_file()
    {
        CreateStore();
        Assert.Equal(0, CliRun.Run("store", "check", "--db", Db).ExitCode);
        DamageOnePage();

        var (checkExit, checkOut, _) = CliRun.Run("store", "check", "--db", Db);
        Assert.Equal(1, checkExit);
        Assert.Contains("DAMAGED", checkOut);

        var (exit, output, err) = CliRun.Run("store", "recover", "--json", "--db", Db);
        Assert.True(exit is 0 or 1, $"exit {exit}\n{output}\n{err}");
        var json = CliRun.Json(output);
        Assert.Equal("uncloak.store.recover/1", json.GetProperty("schema").GetString());
        Assert.True(json.GetProperty("sound_after").GetBoolean());
        string kept = json.GetProperty("kept_as").GetString()!;
        Assert.True(File.Exists(kept), "the damaged file must be kept");
        long salvaged = json.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "decisions").GetProperty("rows").GetInt64();
        // One page holds a few dozen rows per 4 KiB: all but those are back.
        Assert.InRange(salvaged, 3000 - (100 * PageSize() / 4096), 3000);

        Assert.Equal(0, CliRun.Run("store", "check", "--db", Db).ExitCode);
        var (listExit, list, _) = CliRun.Run("bans", "list", "--json", "--limit", "5000", "--db", Db);
        Assert.Equal(0, listExit);
        Assert.Equal(salvaged, CliRun.Json(list).GetProperty("decisions").GetArrayLength());
    }

    [Fact]
    public void Store_check_and_recover_of_a_missing_store_are_environment_errors()
    {
        Assert.Equal(3, CliRun.Run("store", "check", "--db", Db).ExitCode);
        Assert.Equal(3, CliRun.Run("store", "recover", "--db", Db).ExitCode);
    }
}
