using System.CommandLine;
using System.Diagnostics;
using Uncloak.Cli;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// `uncloak completions`: the bash script (zsh loads the same through bashcompinit) is run by a real bash against words
/// typed so far, and every verb of the command tree is offered where it belongs.
/// </summary>
public sealed class CompletionsCommandTests
{
    [Fact]
    public void Bash_completes_verbs_flags_and_the_fixed_values_of_a_flag_from_the_command_tree()
    {
        var (exit, script, err) = CliRun.Run("completions", "bash");
        Assert.True(exit == 0, err);
        Assert.Equal(["bans"], Complete(script, "uncloak", "ba"));
        Assert.Equal(["add", "del", "export", "flush", "import", "list", "sync"], Complete(script, "uncloak", "bans", "").Where(w => !w.StartsWith('-')).Order());
        Assert.Equal(["critical", "notice", "warning"], Complete(script, "uncloak", "analyze", "--fail-on", "").Order());
        Assert.Equal(["--json"], Complete(script, "uncloak", "bans", "add", "--j"));
        // A flag taking a file: no words offered (bash falls back to file names).
        Assert.Empty(Complete(script, "uncloak", "analyze", "--db", ""));
    }

    [Fact]
    public void Every_verb_of_the_tree_is_offered_by_bash_and_fish_under_its_parent()
    {
        string bash = CliRun.Run("completions", "bash").Output, fish = CliRun.Run("completions", "fish").Output;
        var root = UncloakCli.Build();
        foreach (var (parent, verb) in Verbs(root, "uncloak"))
        {
            var words = parent.Split(' ').Append(verb[..1]).ToArray();
            Assert.Contains(verb, Complete(bash, [.. words]));
            Assert.Contains($"complete -c uncloak -n \"test (__uncloak_path) = '{parent}'\" -a '{verb}'", fish, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_zsh_script_is_the_bash_one_behind_bashcompinit_and_an_unknown_shell_is_a_usage_error()
    {
        var zsh = CliRun.Run("completions", "zsh");
        Assert.StartsWith("#compdef uncloak\n", zsh.Output, StringComparison.Ordinal);
        Assert.Contains("bashcompinit", zsh.Output, StringComparison.Ordinal);
        Assert.Contains(CliRun.Run("completions", "bash").Output, zsh.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.UsageOrInput, CliRun.Run("completions", "tcsh").ExitCode);
    }

    private static IEnumerable<(string Parent, string Verb)> Verbs(Command command, string path)
    {
        foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
        {
            yield return (path, sub.Name);
            foreach (var nested in Verbs(sub, path + " " + sub.Name))
            {
                yield return nested;
            }
        }
    }

    /// <summary>Runs the script's completion function in bash for the typed words (the last one being completed).</summary>
    private static string[] Complete(string script, params string[] words)
    {
        var dir = CliRun.TempDir();
        try
        {
            var file = Path.Combine(dir, "uncloak.bash");
            File.WriteAllText(file, script);
            var quoted = string.Join(' ', words.Select(w => "'" + w + "'"));
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"source '{file}'; COMP_WORDS=({quoted}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); _uncloak; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
            using var bash = Process.Start(psi)!;
            var output = bash.StandardOutput.ReadToEnd();
            var error = bash.StandardError.ReadToEnd();
            Assert.True(bash.WaitForExit(10_000), "bash did not finish");
            Assert.True(bash.ExitCode == 0, error);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
