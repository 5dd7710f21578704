using System.CommandLine;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans sync`: make the kernel match the store.</summary>
public static class BansSyncCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var command = new Command("sync",
            "Make the kernel hold exactly the bans in force in the store, in one transaction: sets and chain created if missing, " +
            "missing bans restored with their remaining time, stale ones removed. Safety is checked again first: a ban on an address that is protected now (this host's own " +
            "address, its gateway, the SSH client, the allowlist and --allow) is revoked, not restored. Run it at boot (config/systemd/uncloak-bans-sync.service does) or after " +
            "anything flushed the firewall; 'uncloak watch' does it at start-up.\n\nExit codes: 0 done, 3 not root or no firewall.");
        options.AddTo(command);
        command.Add(options.Allow);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (result.GetValue(options.DryRun))
            {
                error.WriteLine("uncloak bans sync: --dry-run is not supported here; 'uncloak bans list' shows what sync would enforce.");
                return ExitCodes.UsageOrInput;
            }
            if (!options.TryReadAllowlist(result, error, out var allowlist))
            {
                return ExitCodes.UsageOrInput;
            }
            int rc = options.Open(result, "sync", error, out var store, out var enforcer);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (store)
            using (enforcer)
            {
                try
                {
                    var (r, unsafeBans) = new BanWorkflow(new Uncloak.Store.DecisionStore(store!), enforcer, TimeProvider.System).Sync(BanOptions.Safety(allowlist));
                    Rendering.BansRenderer.RenderSync(output, r, enforcer!.Name, result.GetValue(options.Json), unsafeBans);
                    return ExitCodes.Ok;
                }
                catch (Uncloak.Firewall.FirewallException e)
                {
                    error.WriteLine($"uncloak bans sync: {e.Message}");
                    return ExitCodes.Environment;
                }
            }
        });
        return command;
    }
}
