using System.CommandLine;
using Uncloak.Cli.Rendering;

namespace Uncloak.Cli.Commands.Completions;

/// <summary>`uncloak completions SHELL`: print a completion script for bash, zsh or fish, rendered from the command tree.</summary>
public static class CompletionsCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong([.. CompletionScript.Shells]);
        var command = new Command("completions",
            "Print a shell completion script for every command and flag of this binary. The Debian package installs them " +
            "(bash, zsh, fish); elsewhere, load one yourself.\n\nExit codes: 0 printed, 2 unknown shell.\n\nExamples:\n" +
            "  uncloak completions bash > /etc/bash_completion.d/uncloak\n  uncloak completions fish > ~/.config/fish/completions/uncloak.fish")
        {
            shell,
        };
        command.SetAction(result =>
        {
            CompletionScript.Write((RootCommand)result.RootCommandResult.Command, result.GetValue(shell)!, result.InvocationConfiguration.Output);
            return ExitCodes.Ok;
        });
        return command;
    }
}
