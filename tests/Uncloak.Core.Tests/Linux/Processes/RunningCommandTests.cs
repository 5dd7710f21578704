using System.Runtime.InteropServices;
using Uncloak.Linux.Processes;
using Xunit;

namespace Uncloak.Core.Tests.Processes;

/// <summary>Service mode of the one command runner: a real child (sh, sleep), lines, signals, bounded waits, the kill on dispose.</summary>
public sealed class RunningCommandTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>A child that says "ready", answers SIGTERM with "term" and exit 3, and otherwise waits at most 20 s.</summary>
    private static readonly string[] Service = ["-c", "trap 'echo term; exit 3' TERM; echo ready; echo oops >&2; i=0; while [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done"];

    [Fact]
    public async Task Lines_of_both_streams_arrive_and_SIGTERM_ends_the_program_with_its_own_exit_code()
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var running = CommandRunner.Start("sh", Service);
        running.ReadLines(line =>
        {
            lines.Enqueue(line);
            if (line == "ready")
            {
                ready.TrySetResult();
            }
        });
        await ready.Task.WaitAsync(Bound);

        Assert.True(running.Signal(PosixSignal.SIGTERM));
        Assert.True(await running.WaitAsync(Bound));

        Assert.Equal(3, running.ExitCode);
        Assert.Contains("term", lines);
        Assert.Contains("oops", lines);
        Assert.False(running.Signal(PosixSignal.SIGTERM));
    }

    [Fact]
    public async Task A_bounded_wait_on_a_program_that_keeps_running_says_so_and_dispose_kills_it()
    {
        var running = CommandRunner.Start("sleep", ["30"]);
        int pid = running.Id;

        Assert.False(await running.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.False(running.HasExited);

        await running.DisposeAsync();

        Assert.False(Directory.Exists("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Output_can_be_read_as_a_stream_to_its_end()
    {
        await using var running = CommandRunner.Start("sh", ["-c", "printf 'a\\nb\\n'"]);

        Assert.Equal("a\nb\n", await running.Output.ReadToEndAsync());
        Assert.True(await running.WaitAsync(Bound));
        Assert.Equal(0, running.ExitCode);
    }

    [Fact]
    public void A_missing_program_is_named_and_only_the_four_stop_signals_can_be_sent()
    {
        var e = Assert.Throws<CommandException>(() => CommandRunner.Start("uncloak-no-such-program", []));
        Assert.Contains("uncloak-no-such-program is not installed", e.Message, StringComparison.Ordinal);

        using var running = CommandRunner.Start("sleep", ["5"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => running.Signal(PosixSignal.SIGCHLD));
    }
}
