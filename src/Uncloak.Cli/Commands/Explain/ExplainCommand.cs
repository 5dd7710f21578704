using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;

namespace Uncloak.Cli.Commands.Explain;

/// <summary>`uncloak explain "LINE"`: decode one kernel log line.</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var line = new Argument<string[]>("line")
        {
            Description = "The log line, as copied from kern.log, dmesg, /dev/kmsg or journalctl -o json (quote it). " +
                "Several words are joined with spaces. Use --kind to show a family's explanation without a line.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var kind = new Option<string?>("--kind") { Description = "Explain a family by name (treason, syn_flood, conntrack_full, nic_link, …) instead of a line.", HelpName = "KIND" };
        var list = new Option<bool>("--list") { Description = "List every message family Uncloak knows." };
        var json = CommonOptions.Json();
        var command = new Command("explain",
            "Decode one kernel log line: family, every field and what it means here (for treason: which side is the peer, " +
            "which port is local, bytes in flight), what the kernel saw, likely causes, what to check and what to do, and whether " +
            "today's kernels print it at all.\n\nExit codes: 0 recognised, 1 not a known network message, 2 usage error.\n\n" +
            "Example:\n  uncloak explain 'Jun 17 04:07:59 web1 kernel: TCP: Treason uncloaked! Peer 168.209.98.35:43301/80 shrinks window 2244026871:2244027701. Repaired.'")
        {
            line, kind, list, json,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            bool asJson = result.GetValue(json);
            if (result.GetValue(list))
            {
                ExplainRenderer.RenderList(output, asJson);
                return ExitCodes.Ok;
            }
            if (result.GetValue(kind) is { } kindName)
            {
                if (!EventKinds.TryParse(kindName, out var k) || MessageCatalog.For(k) is not { } explanation)
                {
                    error.WriteLine($"uncloak explain: unknown kind '{kindName}'. Known: {string.Join(", ", MessageCatalog.Families.Select(f => f.Kind.Name()))}");
                    return ExitCodes.UsageOrInput;
                }
                ExplainRenderer.RenderFamily(output, explanation, asJson);
                return ExitCodes.Ok;
            }
            var words = result.GetValue(line) ?? [];
            if (words.Length == 0)
            {
                error.WriteLine("uncloak explain: give a log line (quoted), --kind KIND or --list. See 'uncloak explain --help'.");
                return ExitCodes.UsageOrInput;
            }
            var decoded = LineDecoder.Decode(string.Join(' ', words), DateTime.UtcNow);
            ExplainRenderer.RenderLine(output, decoded, asJson);
            return decoded.Event is null ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
