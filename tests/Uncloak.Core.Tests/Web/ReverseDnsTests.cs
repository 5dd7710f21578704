using System.Net;
using System.Net.Sockets;
using Uncloak.Web.Dashboard;
using Xunit;

namespace Uncloak.Core.Tests.Web;

/// <summary>Issue 14: the peer page's reverse DNS is bounded (time, concurrency, cache size) and cached for an hour.</summary>
public sealed class ReverseDnsTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.3.5");

    [Fact]
    public async Task A_name_is_looked_up_once_an_hour_and_an_address_given_back_means_no_name()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero));
        int lookups = 0;
        using var dns = new ReverseDns(time, (a, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(a.Equals(Peer) ? "scanner.example.net" : a.ToString());
        });
        Assert.Equal(new ReverseDns.Answer("scanner.example.net", null, false), await dns.LookUpAsync(Peer, default));
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(new ReverseDns.Answer("scanner.example.net", null, true), await dns.LookUpAsync(Peer, default));
        Assert.Equal(1, lookups);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False((await dns.LookUpAsync(Peer, default)).Cached);
        Assert.Equal(2, lookups);
        Assert.Equal(new ReverseDns.Answer(null, "no name", false), await dns.LookUpAsync(IPAddress.Parse("198.18.3.6"), default));
    }

    [Fact]
    public async Task A_resolver_that_does_not_answer_or_fails_gives_a_reason_and_the_failure_is_cached_too()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        int lookups = 0;
        using var silent = new ReverseDns(time, async (_, cancel) =>
        {
            Interlocked.Increment(ref lookups);
            await Task.Delay(Timeout.Infinite, cancel);
            return "never";
        }, TimeSpan.FromMilliseconds(100));
        Assert.Equal(new ReverseDns.Answer(null, "timed out after 0.1 s", false), await silent.LookUpAsync(Peer, default));
        Assert.True((await silent.LookUpAsync(Peer, default)).Cached);
        Assert.Equal(1, lookups);

        using var failing = new ReverseDns(time, (a, _) => throw new SocketException((int)(a.Equals(Peer) ? SocketError.HostNotFound : SocketError.TryAgain)));
        Assert.Equal("no name", (await failing.LookUpAsync(Peer, default)).Error);
        Assert.NotNull((await failing.LookUpAsync(IPAddress.Parse("198.18.3.6"), default)).Error);
    }

    [Fact]
    public async Task At_most_four_lookups_run_at_once_and_the_cache_keeps_at_most_1024_addresses()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var gate = new TaskCompletionSource();
        int running = 0, most = 0;
        using var dns = new ReverseDns(time, async (a, cancel) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await gate.Task.WaitAsync(cancel);
            Interlocked.Decrement(ref running);
            return "h" + a.GetAddressBytes()[3] + ".example";
        });
        var asked = Enumerable.Range(1, 10).Select(i => dns.LookUpAsync(IPAddress.Parse("198.18.0." + i), default)).ToList();
        // Wait until the first four are inside the resolver (bounded: the lookups' own 2 s timeout ends them otherwise).
        for (int spin = 0; Volatile.Read(ref running) < ReverseDns.MaxConcurrent && spin < 1000; spin++)
        {
            await Task.Yield();
        }
        Assert.Equal(ReverseDns.MaxConcurrent, Volatile.Read(ref running));
        gate.SetResult();
        var answers = await Task.WhenAll(asked);
        Assert.Equal(ReverseDns.MaxConcurrent, most);
        Assert.All(answers, a => Assert.NotNull(a.Name));

        using var many = new ReverseDns(time, (a, _) => Task.FromResult("x.example"));
        for (int i = 0; i < ReverseDns.MaxCached + 50; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            await many.LookUpAsync(new IPAddress([198, 18, (byte)(i / 250), (byte)(i % 250)]), default);
        }
        Assert.Equal(ReverseDns.MaxCached, many.Cached);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
