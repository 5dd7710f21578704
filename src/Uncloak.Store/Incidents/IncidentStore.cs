using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Store.Incidents;

/// <summary>
/// The <c>incidents</c> table: one row per incident bundle, written when a capture finishes and again when its outage
/// ends. The daemon, <c>uncloak capture</c>, <c>uncloak incidents</c>, the report and the web page read it here.
/// </summary>
public sealed class IncidentStore
{
    private const string Columns = "id, outage_id, probe, start_ms, end_ms, layer, confidence, layers, summary, bundle";

    private readonly SqliteStore _store;

    public IncidentStore(SqliteStore store) => _store = store;

    /// <summary>Inserts the incident, or replaces the row with the same id (the second write when its outage ends).</summary>
    public void Save(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = $"INSERT OR REPLACE INTO incidents({Columns}) VALUES ($id, $o, $p, $s, $e, $l, $c, $ls, $sum, $b)";
        cmd.Parameters.AddWithValue("$id", incident.Id);
        cmd.Parameters.AddWithValue("$o", incident.OutageId is { } o ? o : DBNull.Value);
        cmd.Parameters.AddWithValue("$p", incident.Probe);
        cmd.Parameters.AddWithValue("$s", Millis(incident.Start));
        cmd.Parameters.AddWithValue("$e", incident.End is { } e ? Millis(e) : DBNull.Value);
        cmd.Parameters.AddWithValue("$l", incident.Layer.Name());
        cmd.Parameters.AddWithValue("$c", incident.Confidence);
        cmd.Parameters.AddWithValue("$ls", LayersJson(incident.Layers));
        cmd.Parameters.AddWithValue("$sum", incident.Summary);
        cmd.Parameters.AddWithValue("$b", incident.Bundle);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every incident, oldest first; <paramref name="since"/> keeps those that started at or after it.</summary>
    public IReadOnlyList<Incident> List(DateTime? since = null)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM incidents WHERE start_ms >= $since ORDER BY start_ms, id";
        cmd.Parameters.AddWithValue("$since", since is { } s ? Millis(s) : long.MinValue);
        return Read(cmd);
    }

    /// <summary>The incident <paramref name="id"/>, or null.</summary>
    public Incident? Get(string id)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM incidents WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return Read(cmd).FirstOrDefault();
    }

    /// <summary>The incidents of outage <paramref name="outageId"/> (one, unless a daemon restarted during it).</summary>
    public IReadOnlyList<Incident> OfOutage(long outageId)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM incidents WHERE outage_id = $o ORDER BY start_ms, id";
        cmd.Parameters.AddWithValue("$o", outageId);
        return Read(cmd);
    }

    /// <summary>Deletes the rows of <paramref name="ids"/> (bundles pruned from disk); returns how many went.</summary>
    public int Delete(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int n = 0;
        using var tx = _store.Connection.BeginTransaction();
        using var cmd = _store.Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM incidents WHERE id = $id";
        var p = cmd.Parameters.Add("$id", SqliteType.Text);
        foreach (var id in ids)
        {
            p.Value = id;
            n += cmd.ExecuteNonQuery();
        }
        tx.Commit();
        return n;
    }

    private static List<Incident> Read(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<Incident>();
        while (r.Read())
        {
            list.Add(new Incident
            {
                Id = r.GetString(0),
                OutageId = r.IsDBNull(1) ? null : r.GetInt64(1),
                Probe = r.GetString(2),
                Start = FromMillis(r.GetInt64(3)),
                End = r.IsDBNull(4) ? null : FromMillis(r.GetInt64(4)),
                Layer = LayerNames.TryParse(r.GetString(5), out var layer) ? layer : Layer.Unknown,
                Confidence = r.GetDouble(6),
                Layers = ParseLayers(r.GetString(7)),
                Summary = r.GetString(8),
                Bundle = r.GetString(9),
            });
        }
        return list;
    }

    /// <summary><c>[{"layer":"shaper","score":0.9}]</c>, written by hand: the store stays free of reflection-based JSON.</summary>
    internal static string LayersJson(IReadOnlyList<LayerScore> layers)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var l in layers)
            {
                w.WriteStartObject();
                w.WriteString("layer", l.Layer.Name());
                w.WriteNumber("score", Math.Round(l.Score, 3));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads <see cref="LayersJson"/> back; a row damaged by hand gives no layers rather than an exception.</summary>
    internal static IReadOnlyList<LayerScore> ParseLayers(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var list = new List<LayerScore>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                if (item.TryGetProperty("layer", out var name) && LayerNames.TryParse(name.GetString() ?? "", out var layer)
                    && item.TryGetProperty("score", out var score) && score.TryGetDouble(out double s))
                {
                    list.Add(new LayerScore(layer, s));
                }
            }
            return list;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return [];
        }
    }

    private static long Millis(DateTime time) => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private static DateTime FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
}
