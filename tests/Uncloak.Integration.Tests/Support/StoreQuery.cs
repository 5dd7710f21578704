using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Reads one number from a store the daemon or a command wrote (no pooling: the file may be moved next). Read-write on
/// purpose: after a kill -9 the WAL needs recovery, which a read-only connection cannot run.
/// </summary>
internal static class StoreQuery
{
    public static long Count(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadWrite;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
