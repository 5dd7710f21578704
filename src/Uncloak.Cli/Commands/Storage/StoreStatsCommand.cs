using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Uncloak.Store;
using Uncloak.Store.Retention;

namespace Uncloak.Cli.Commands.Storage;

/// <summary>`uncloak store stats`: rows and time span per kind of record, the file's size, and the retention limits in force.</summary>
public static class StoreStatsCommand
{
    public static Command Create()
    {
        var options = new StoreOptions();
        var command = new Command("stats",
            "Show what the store holds: rows and the oldest and newest time of events, outages, actions, decisions and sources, the " +
            "file's size and free space, and the retention limits the daemon prunes by (the config's 'retention').\n\n" +
            "Exit codes: 0 shown, 2 bad config, 3 the store cannot be opened.\n\nExample:\n  uncloak store stats --json | jq .tables");
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (options.Open(result, error, "stats", out int failed) is not var (config, store))
            {
                return failed;
            }
            string path = store.Path;
            using (store)
            {
                var tables = StoreRetention.Stats(store);
                var (bytes, free) = StoreRetention.FileSize(store);
                var r = config.Retention;
                if (result.GetValue(options.Json))
                {
                    Rendering.JsonOutput.Write(output, w =>
                    {
                    w.WriteStartObject();
                    w.WriteString("schema", "uncloak.store.stats/1");
                    w.WriteString("store", path);
                    w.WriteNumber("bytes", bytes);
                    w.WriteNumber("free_bytes", free);
                    w.WriteStartArray("tables");
                    foreach (var t in tables)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", t.Name);
                        w.WriteNumber("rows", t.Rows);
                        WriteTime(w, "oldest", t.Oldest);
                        WriteTime(w, "newest", t.Newest);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartObject("retention");
                    WriteAge(w, "events", r.Events);
                    WriteAge(w, "outages", r.Outages);
                    WriteAge(w, "actions", r.Actions);
                    WriteAge(w, "decisions", r.Decisions);
                    w.WriteNumber("every_seconds", (long)r.Every.TotalSeconds);
                    w.WriteNumber("batch", r.Batch);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    });
                    return ExitCodes.Ok;
                }
                output.WriteLine($"{path}: {Mib(bytes)} ({Mib(free)} free)");
                foreach (var t in tables)
                {
                    output.WriteLine($"  {t.Name,-10} {t.Rows,12:N0} rows  {Span(t)}");
                }
                output.WriteLine($"retention: events {Age(r.Events)}, outages {Age(r.Outages)}, actions {Age(r.Actions)}, ended decisions {Age(r.Decisions)}; " +
                    $"the daemon prunes every {Core.Decisions.DurationText.Format(r.Every)}, {r.Batch:N0} rows at a time");
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    private static string Span(TableStats t) => t.Oldest is { } o && t.Newest is { } n ? $"{Rfc3339(o)} .. {Rfc3339(n)}" : "";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    internal static string Age(TimeSpan? age) => age is { } a ? Core.Decisions.DurationText.Format(a) : "forever";

    internal static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } v)
        {
            w.WriteString(name, Rfc3339(v));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteAge(Utf8JsonWriter w, string name, TimeSpan? age)
    {
        if (age is { } a)
        {
            w.WriteNumber(name + "_seconds", (long)a.TotalSeconds);
        }
        else
        {
            w.WriteNull(name + "_seconds");
        }
    }
}
