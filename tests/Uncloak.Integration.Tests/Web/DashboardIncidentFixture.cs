using Microsoft.Data.Sqlite;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// Puts a recorded outage with its incident into a daemon's store: an ended outage of probe <c>site</c> and the
/// incident whose bundle is a copy of a recorded one (tests/Uncloak.Core.Tests/samples/forensics/bundles/), as the
/// daemon's capture service would have left them. The daemon must have created the store (migrations run) first.
/// </summary>
internal static class DashboardIncidentFixture
{
    public const string BundleCase = "shaper-tbf-drops";

    /// <summary>Adds them with the outage from <paramref name="start"/> for 3 minutes; returns the incident's id.</summary>
    public static string Add(string db, string dir, DateTimeOffset start)
    {
        string id = start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) + "-site";
        var bundle = Path.Combine(dir, "incidents", id);
        Copy(Path.Combine(CliRun.RepositoryRoot(), "tests", "Uncloak.Core.Tests", "samples", "forensics", "bundles", BundleCase), bundle);
        File.Delete(Path.Combine(bundle, "expected.json"));
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO outages(probe, start_ms, end_ms, cause, detail) VALUES ('site', $s, $e, 'timeout', 'no answer in 2 s');
            INSERT INTO incidents(id, outage_id, probe, start_ms, end_ms, layer, confidence, layers, summary, bundle)
                VALUES ($id, last_insert_rowid(), 'site', $s, $e, 'shaper', 0.9, '[{"layer":"shaper","score":0.9}]', 'the tbf qdisc on eth0 dropped packets', $b);
            """;
        cmd.Parameters.AddWithValue("$s", start.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$e", start.AddMinutes(3).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$b", bundle);
        cmd.ExecuteNonQuery();
        return id;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var sub in Directory.EnumerateDirectories(from))
        {
            Copy(sub, Path.Combine(to, Path.GetFileName(sub)));
        }
    }
}
