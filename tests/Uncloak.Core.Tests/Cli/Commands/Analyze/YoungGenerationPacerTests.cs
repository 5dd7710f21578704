using Uncloak.Cli.Commands.Analyze;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>Issue 18 item 6: the readers collect the young generation after each budget's worth of allocation.</summary>
public sealed class YoungGenerationPacerTests
{
    [Fact]
    public void A_budget_allocated_since_the_last_tick_collects_generation_zero()
    {
        YoungGenerationPacer.Tick(); // settles the mark at this process's allocations so far
        long sink = 0;
        for (int i = 0; i < (int)(YoungGenerationPacer.Budget / 4096) + 64; i++)
        {
            sink += new byte[4096].Length; // garbage, one budget's worth and a little more
        }
        long before = GC.CollectionCount(0);
        YoungGenerationPacer.Tick();

        Assert.True(sink > YoungGenerationPacer.Budget);
        Assert.True(GC.CollectionCount(0) > before, $"no young collection after {sink:N0} bytes");
    }
}
