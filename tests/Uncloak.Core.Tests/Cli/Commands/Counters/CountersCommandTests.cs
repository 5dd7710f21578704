using System.Text.Json;
using Uncloak.Cli;
using Xunit;

namespace Uncloak.Core.Tests.Counters;

public sealed class CountersCommandTests
{
    private static string Tree(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    [Fact]
    public async Task Counters_json_over_a_fixture_tree_lists_signals_and_exits_1_on_an_alarm()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await UncloakCli.RunAsync(["counters", "--json", "--root", Tree("proc-6.18")], output, error);
        Assert.Equal(ExitCodes.Findings, code);
        var json = JsonDocument.Parse(output.ToString()).RootElement;
        var names = json.GetProperty("counters").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("TcpExt.ListenOverflows", names);
        Assert.Contains("Conntrack.fill_percent", names);
        Assert.Equal("Conntrack.fill_percent", Assert.Single(json.GetProperty("alarms").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Counters_over_a_tree_without_proc_net_is_an_environment_error()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await UncloakCli.RunAsync(["counters", "--root", Path.Combine(AppContext.BaseDirectory, "no-such-tree")], output, error);
        Assert.Equal(ExitCodes.Environment, code);
        Assert.Contains("cannot read", error.ToString());
    }

    [Fact]
    public async Task Counters_watch_prints_one_json_line_per_interval_and_stops_on_cancel()
    {
        using var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(600)); // stands in for Ctrl-C
        int code = await UncloakCli.RunAsync(["counters", "--watch", "--interval", "0.1", "--json", "--root", Tree("proc-6.18")], output, TextWriter.Null, stop.Token);
        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var json = JsonDocument.Parse(line).RootElement;
            Assert.True(json.GetProperty("interval_s").GetDouble() > 0);
        }
    }

    [Fact]
    public async Task The_help_of_sockets_and_counters_teaches_what_they_find()
    {
        foreach (var (verb, words) in new[] { ("sockets", new[] { "zero_window_hold", "syn_recv_flood", "--kill", "SSH" }), ("counters", new[] { "ListenOverflows", "--watch" }) })
        {
            using var output = new StringWriter();
            await UncloakCli.RunAsync([verb, "--help"], output, TextWriter.Null);
            foreach (var w in words)
            {
                Assert.Contains(w, output.ToString());
            }
        }
    }
}
