using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Analysis;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Store;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Commands.Peer;

/// <summary>`uncloak peer ADDRESS`: everything the store knows about one address — events, episodes, decisions and why.</summary>
public static class PeerCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "The peer's IP address (IPv4 or IPv6)." };
        var db = CommonOptions.Db();
        var limit = new Option<int>("--limit") { Description = "Show at most the newest N events (all are counted in the episodes of those shown).", DefaultValueFactory = _ => 10_000, HelpName = "N" };
        var json = CommonOptions.Json();
        var command = new Command("peer",
            "Why was this address banned? Everything the store knows about one peer: its events by kind and episode (a treason " +
            "episode is one stall: same ports and snd_una), the aggregated firewall lines, and every decision on it or on a network " +
            "containing it — origin, scenario, reason, the event that triggered it (with the kernel's own line), renewals, who " +
            "revoked it and when, and how many earlier offences the next ban would escalate from.\n\n" +
            "Exit codes: 0 shown (also when nothing is known), 2 not an address, 3 the store cannot be opened.\n\n" +
            "Examples:\n  uncloak peer 198.18.3.5\n  uncloak peer 2001:2::7 --json | jq '.decisions[] | {scenario, reason, revoked_by}'")
        {
            address, db, limit, json,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string text = result.GetValue(address)!;
            if (!NetAddress.TryParse(text, out var peer) || peer.IsNone)
            {
                error.WriteLine($"uncloak peer: '{text}' is not an IP address");
                return ExitCodes.UsageOrInput;
            }
            SqliteStore store;
            try
            {
                store = SqliteStore.Open(result.GetValue(db) ?? SqliteStore.DefaultPath());
            }
            catch (StoreException e)
            {
                error.WriteLine("uncloak peer: " + e.Message);
                return ExitCodes.Environment;
            }
            using (store)
            {
                var history = PeerHistory.Read(store, peer, result.GetValue(limit), DateTimeOffset.UtcNow);
                if (result.GetValue(json))
                {
                    PeerRenderer.WriteJson(output, history);
                }
                else
                {
                    PeerRenderer.Render(output, history);
                }
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
