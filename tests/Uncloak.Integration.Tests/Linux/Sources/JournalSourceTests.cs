using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sources;

/// <summary>
/// The journal source against a stand-in journalctl (a script that records its arguments, prints entries in
/// `journalctl -o json` form and exits, as journalctl does when the journal goes away): entries become events, the
/// source restarts after the exit, and resumes with --after-cursor at the last entry committed.
/// </summary>
public sealed class JournalSourceTests
{
    [Fact]
    public async Task Entries_become_events_and_a_restart_resumes_after_the_last_committed_cursor()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-journal-");
        try
        {
            var args = Path.Combine(dir.FullName, "args");
            var script = Path.Combine(dir.FullName, "journalctl");
            File.WriteAllText(script, $$"""
                #!/bin/sh
                echo "$*" >> {{args}}
                n=$(wc -l < {{args}})
                echo '{"__CURSOR":"s=1;i='$n'a","__REALTIME_TIMESTAMP":"1772359200000000","_TRANSPORT":"kernel","MESSAGE":"Probing zero-window on 198.18.6.'$n':40000/443, seq=1:2, recv 5ms ago, lasting 900ms"}'
                echo '{"__CURSOR":"s=1;i='$n'b","__REALTIME_TIMESTAMP":"1772359201000000","_TRANSPORT":"kernel","MESSAGE":"EXT4-fs (sda1): mounted filesystem"}'
                exit 1
                """);
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var sink = new CollectingSink();
            var source = new JournalSource(kernel: true, ["nginx.service"], TimeProvider.System, script);
            source.Resume = () => sink.Committed;
            using var stop = new CancellationTokenSource();
            var run = source.RunAsync(sink, stop.Token);
            WatchDeadline.Until(() => File.Exists(args) && File.ReadAllLines(args).Length >= 2 && sink.Texts().Count >= 2, TimeSpan.FromSeconds(30), () => "two runs of journalctl");
            await stop.CancelAsync();
            await run;

            var calls = File.ReadAllLines(args);
            Assert.Equal("--follow --output=json --no-pager --quiet --lines=0 _TRANSPORT=kernel + _SYSTEMD_UNIT=nginx.service", calls[0]);
            Assert.Equal("--follow --output=json --no-pager --quiet --after-cursor=s=1;i=1b _TRANSPORT=kernel + _SYSTEMD_UNIT=nginx.service", calls[1]);
            var texts = sink.Texts();
            Assert.Contains("198.18.6.1:40000", texts[0], StringComparison.Ordinal);
            Assert.Contains("198.18.6.2:40000", texts[1], StringComparison.Ordinal);
            Assert.Contains(sink.Problems, p => p.Contains("journalctl exited with code 1", StringComparison.Ordinal));
            Assert.True(source.Restarts >= 1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
