using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>Issue 18, item 6: the store writer's queue is bounded in bytes.</summary>
public sealed class QueuedBytesTests
{
    [Fact]
    public async Task A_producer_waits_for_room_and_goes_on_once_the_writer_released_it()
    {
        var queue = new QueuedBytes(limit: 1000);
        queue.Take(800);
        var second = Task.Run(() => queue.Take(300));
        Assert.NotSame(second, await Task.WhenAny(second, Task.Delay(200)));
        queue.Release(800);
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(300, queue.Queued);
    }

    [Fact]
    public void A_batch_bigger_than_the_bound_goes_through_an_empty_queue()
    {
        var queue = new QueuedBytes(limit: 1000);
        queue.Take(5000);
        Assert.Equal(5000, queue.Queued);
    }

    [Fact]
    public async Task Once_unbounded_no_producer_waits()
    {
        var queue = new QueuedBytes(limit: 1000);
        queue.Take(900);
        var waiting = Task.Run(() => queue.Take(900));
        queue.Unbound();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        queue.Take(10_000);
        Assert.Equal(11_800, queue.Queued);
    }
}
