using System.CommandLine;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans export [FILE]`: the bans in force as a plain CIDR list.</summary>
public static class BansExportCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var file = new Argument<string?>("file") { Description = "Where to write (default: standard output).", Arity = ArgumentArity.ZeroOrOne };
        var withExpiry = new Option<bool>("--with-expiry") { Description = "Append '# expires <UTC time>' to each line ('bans import' ignores it)." };
        var command = new Command("export", "Write the bans in force as a plain list, one address or CIDR network per line, sorted — the format 'bans import' reads.\n\nExit codes: 0 done, 2 cannot write the file, 3 store unavailable.")
        {
            file, withExpiry,
        };
        options.AddTo(command, kernel: false);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            SqliteStore store;
            try
            {
                store = SqliteStore.Open(result.GetValue(options.Db) ?? SqliteStore.DefaultPath());
            }
            catch (StoreException e)
            {
                error.WriteLine($"uncloak bans export: {e.Message}");
                return ExitCodes.Environment;
            }
            using (store)
            {
                var targets = new DecisionStore(store).InForceTargets(DateTimeOffset.UtcNow).OrderBy(kv => kv.Key).ToList();
                string? path = result.GetValue(file);
                try
                {
                    using var writer = path is null or "-" ? null : new StreamWriter(path);
                    Rendering.BansRenderer.RenderExport(writer ?? output, targets, result.GetValue(withExpiry), result.GetValue(options.Json));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"uncloak bans export: cannot write {path}: {e.Message}");
                    return ExitCodes.UsageOrInput;
                }
                if (path is not null and not "-")
                {
                    error.WriteLine($"exported {targets.Count} bans to {path}");
                }
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
