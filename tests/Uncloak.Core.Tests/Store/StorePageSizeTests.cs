using Microsoft.Data.Sqlite;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Core.Tests.Store;

public sealed class StorePageSizeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-pages-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long Scalar(SqliteStore store, string sql)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_new_store_has_big_pages_and_a_store_made_before_keeps_its_own()
    {
        var fresh = Path.Combine(_dir, "new.db");
        using (var store = SqliteStore.Open(fresh))
        {
            Assert.Equal(SqliteStore.PageSize, Scalar(store, "PRAGMA page_size"));
        }

        // A store as earlier builds made it: SQLite's default pages, WAL, one table.
        var old = Path.Combine(_dir, "old.db");
        using (var c = new SqliteConnection($"Data Source={old};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE kept(x); INSERT INTO kept VALUES (42);";
            cmd.ExecuteNonQuery();
        }
        using (var store = SqliteStore.Open(old))
        {
            Assert.Equal(4096, Scalar(store, "PRAGMA page_size"));
            Assert.Equal(42, Scalar(store, "SELECT x FROM kept"));
            Assert.True(store.SchemaVersion() >= 45);
            Assert.Empty(store.QuickCheck(10));
        }
    }
}
