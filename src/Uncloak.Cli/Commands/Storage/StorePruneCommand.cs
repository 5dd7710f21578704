using System.CommandLine;
using Uncloak.Core.Decisions;
using Uncloak.Core.Retention;
using Uncloak.Store;
using Uncloak.Store.Retention;

namespace Uncloak.Cli.Commands.Storage;

/// <summary>`uncloak store prune`: delete what is older than the retention limits now, in bounded steps.</summary>
public static class StorePruneCommand
{
    public static Command Create()
    {
        var options = new StoreOptions();
        var events = AgeOption("--events", "Keep events this long");
        var outages = AgeOption("--outages", "Keep ended outages this long");
        var actions = AgeOption("--actions", "Keep the daemon's action log this long");
        var decisions = AgeOption("--decisions", "Keep ended decisions (expired, revoked, refused) this long; bans in force are never pruned");
        var command = new Command("prune",
            "Delete what is older than the retention limits — the config's 'retention' (events 30d, outages 365d, actions 365d, ended " +
            "decisions 90d by default), each overridable here — in steps of the config's 'batch' rows, each its own transaction, so " +
            "a running daemon keeps writing in between. The daemon does the same on its own every 'retention.every' (1h). Sources " +
            "(what was read, and how far) are kept, so a pruned log is not read in again. The file does not shrink: SQLite reuses " +
            "the freed pages.\n\nExit codes: 0 pruned, 2 bad config or flag, 3 the store cannot be opened.\n\nExamples:\n" +
            "  uncloak store prune\n  uncloak store prune --events 7d --decisions forever --json")
        {
            events, outages, actions, decisions,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (options.Open(result, error, "prune", out int failed) is not var (config, store))
            {
                return failed;
            }
            string path = store.Path;
            var policy = config.Retention with
            {
                Events = Override(result.GetValue(events), config.Retention.Events),
                Outages = Override(result.GetValue(outages), config.Retention.Outages),
                Actions = Override(result.GetValue(actions), config.Retention.Actions),
                Decisions = Override(result.GetValue(decisions), config.Retention.Decisions),
            };
            using (store)
            {
                var now = DateTimeOffset.UtcNow;
                var pruned = StoreRetention.PruneAll(store, policy, now);
                if (result.GetValue(options.Json))
                {
                    Rendering.JsonOutput.Write(output, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("schema", "uncloak.store.prune/1");
                        w.WriteString("store", path);
                        w.WriteString("time", StoreStatsCommand.Rfc3339(now));
                        w.WriteStartObject("deleted");
                        w.WriteNumber("events", pruned.Events);
                        w.WriteNumber("outages", pruned.Outages);
                        w.WriteNumber("actions", pruned.Actions);
                        w.WriteNumber("decisions", pruned.Decisions);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                    return ExitCodes.Ok;
                }
                output.WriteLine($"{path}: deleted {pruned.Events:N0} events older than {StoreStatsCommand.Age(policy.Events)}, {pruned.Outages:N0} outages older than " +
                    $"{StoreStatsCommand.Age(policy.Outages)}, {pruned.Actions:N0} actions older than {StoreStatsCommand.Age(policy.Actions)}, " +
                    $"{pruned.Decisions:N0} ended decisions older than {StoreStatsCommand.Age(policy.Decisions)}");
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>A retention age flag: a duration (30d, 12h) or 'forever'; parsed here so a bad value is a usage error (exit 2).</summary>
    private static Option<TimeSpan?> AgeOption(string name, string description) => new(name)
    {
        Description = description + " (a duration such as 7d or 12h, or 'forever').",
        HelpName = "AGE",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (text == "forever")
            {
                return TimeSpan.MaxValue;
            }
            if (DurationText.TryParse(text, out var age))
            {
                return age;
            }
            r.AddError($"{name} {text}: not a duration (30d, 12h, 1w) or 'forever'");
            return null;
        },
    };

    /// <summary>TimeSpan.MaxValue stands for 'forever' (null in the policy); no flag keeps the config's value.</summary>
    private static TimeSpan? Override(TimeSpan? flag, TimeSpan? configured)
        => flag is null ? configured : flag == TimeSpan.MaxValue ? null : flag;
}
