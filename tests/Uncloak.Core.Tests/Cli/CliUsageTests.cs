using Uncloak.Cli.Rendering;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>Issue 16, item 6: a noun without a verb lists its verbs (exit 2), `uncloak help [COMMAND]` helps, COLUMNS is honoured.</summary>
public sealed class CliUsageTests
{
    [Fact]
    public void A_noun_without_its_verb_lists_the_verbs_with_exit_2()
    {
        var bans = CliRun.Run("bans");
        Assert.Equal(2, bans.ExitCode);
        Assert.Contains("uncloak bans: which verb? One of:", bans.Error, StringComparison.Ordinal);
        foreach (var verb in new[] { "add", "del", "list", "flush", "import", "export", "sync" })
        {
            Assert.Contains("\n  " + verb + " ", bans.Error, StringComparison.Ordinal);
        }
        Assert.Contains("uncloak help bans VERB", bans.Error, StringComparison.Ordinal);

        var root = CliRun.Run();
        Assert.Equal(2, root.ExitCode);
        Assert.Contains("uncloak: which command? One of:", root.Error, StringComparison.Ordinal);
        Assert.Contains("\n  status ", root.Error, StringComparison.Ordinal);
        Assert.Contains("\n  peer ", root.Error, StringComparison.Ordinal);

        // A wrong verb is still the parser's message, naming it.
        var wrong = CliRun.Run("bans", "frob");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("frob", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_with_and_without_a_command_prints_that_commands_help_with_exit_0()
    {
        var top = CliRun.Run("help");
        Assert.Equal(0, top.ExitCode);
        Assert.Contains("Uncloak keeps an internet-facing Linux server up", top.Output, StringComparison.Ordinal);
        Assert.True(top.Output.Split('\n').Length <= 60, "the top-level help fits a screen:\n" + top.Output);

        var list = CliRun.Run("help", "bans", "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("--scenario", list.Output, StringComparison.Ordinal);
        Assert.Equal(CliRun.Run("bans", "list", "--help").Output, list.Output);
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("20", 20)]
    [InlineData("19", null)]
    [InlineData("wide", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Columns_is_read_when_it_is_a_sane_width(string? value, int? width)
        => Assert.Equal(width, Terminal.Columns(value));

    [Theory]
    [InlineData("sockets")]
    [InlineData("counters")]
    public void Interval_flags_take_durations_and_refuse_nonsense_with_exit_2(string command)
    {
        var bad = CliRun.Run(command, "--interval", "soon", "--json");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--interval soon: not a duration", bad.Error, StringComparison.Ordinal);
        Assert.Equal(2, CliRun.Run(command, "--interval", "2h", "--json").ExitCode); // parsed, then outside 0..3600 s
        var parser = Uncloak.Cli.UncloakCli.Build().Parse([command, "--interval", "1m"]);
        Assert.Empty(parser.Errors);
        Assert.Equal(TimeSpan.FromMinutes(1), parser.GetValue<TimeSpan>("--interval"));
        Assert.Equal(TimeSpan.FromSeconds(0.5), Uncloak.Cli.UncloakCli.Build().Parse([command, "--interval", "0.5"]).GetValue<TimeSpan>("--interval"));
    }

    [Fact]
    public void Config_check_reports_an_unclosed_flow_mapping_as_file_line_column_with_exit_2_in_text_and_json()
    {
        var dir = CliRun.TempDir();
        try
        {
            var path = Path.Combine(dir, "uncloak.yaml");
            File.WriteAllText(path, "simulate: true\nmetrics: {a: 1\n");
            var text = CliRun.Run("config", "check", "--config", path);
            Assert.Equal(2, text.ExitCode);
            Assert.Matches(@"uncloak\.yaml:\d+:\d+: YAML syntax", text.Error);
            var json = CliRun.Run("config", "check", "--config", path, "--json");
            Assert.Equal(2, json.ExitCode);
            var doc = CliRun.Json(json.Output);
            Assert.Equal("uncloak.config.check/1", doc.GetProperty("schema").GetString());
            Assert.False(doc.GetProperty("valid").GetBoolean());
            var error = Assert.Single(doc.GetProperty("errors").EnumerateArray());
            Assert.Equal(path, error.GetProperty("file").GetString());
            Assert.True(error.GetProperty("line").GetInt32() >= 2);
            Assert.True(error.GetProperty("column").GetInt32() >= 1);

            File.WriteAllText(path, "simulate: true\n");
            var ok = CliRun.Json(CliRun.Run("config", "check", "--config", path, "--json").Output);
            Assert.True(ok.GetProperty("valid").GetBoolean());
            Assert.Contains(ok.GetProperty("scenarios").EnumerateArray(), sc => sc.GetProperty("name").GetString() == "shrunk-window-peers");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
