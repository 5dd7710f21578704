using System.CommandLine;
using Uncloak.Cli;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>The man page (docs/uncloak.1.md, rendered to troff by packaging/build-deb.sh) covers every command of the tree.</summary>
public sealed class ManPageTests
{
    [Fact]
    public void Every_command_and_verb_has_its_heading_under_COMMANDS()
    {
        var page = File.ReadAllLines(Path.Combine(CliRun.RepositoryRoot(), "docs", "uncloak.1.md"));
        var headings = page.SkipWhile(l => l != "## COMMANDS").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("### uncloak ", StringComparison.Ordinal))
            .Select(l => l["### uncloak ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var missing = new List<string>();
        foreach (var command in UncloakCli.Build().Subcommands.Where(c => !c.Hidden))
        {
            var heading = headings.FirstOrDefault(h => h[0] == command.Name);
            var verbs = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
            missing.AddRange(heading is null ? [command.Name] : verbs.Where(v => !heading.Contains(v)).Select(v => command.Name + " " + v));
        }
        Assert.True(missing.Count == 0, "not in the man page's COMMANDS: " + string.Join(", ", missing));
    }
}
