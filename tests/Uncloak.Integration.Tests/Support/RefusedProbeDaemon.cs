using System.Net;
using Microsoft.Data.Sqlite;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// The set-up the remedy tests share: a daemon config whose one TCP probe is always refused (nothing listens on the
/// lab peer's port 9), so an outage opens at once and the probe's remedy runs; and the remedy outcomes it stored.
/// </summary>
internal static class RefusedProbeDaemon
{
    /// <summary>Writes uncloak.yaml into <paramref name="dir"/> and returns its path.</summary>
    public static string WriteConfig(string dir, string db, string probe, IPAddress peer, string onOutage)
    {
        var config = Path.Combine(dir, "uncloak.yaml");
        File.WriteAllText(config, $$"""
            store: {{db}}
            sources: { kmsg: false, sockets: off }
            metrics: off
            firewall: off
            probes:
              - name: {{probe}}
                tcp: {{peer}}:9
                interval: 1s
                timeout: 500ms
                failures: 1
                on_outage: { {{onOutage}}, max_attempts: 1, backoff: 1s }
            """);
        return config;
    }

    /// <summary>The outcomes of the remedy actions the daemon stored, oldest first.</summary>
    public static List<string> RemedyOutcomes(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT outcome FROM watch_actions WHERE action = 'remedy' ORDER BY rowid";
        var outcomes = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            outcomes.Add(r.GetString(0));
        }
        return outcomes;
    }
}
