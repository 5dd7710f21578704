using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

public sealed class TreasonTextTests
{
    /// <summary>The store keeps no text for treason rows; the rebuilt text must parse back to the same event.</summary>
    [Fact]
    public void Rebuilt_text_of_every_treason_sample_parses_back_to_the_same_fields()
    {
        var reference = new DateTime(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);
        int checkedCount = 0;
        foreach (var sample in SampleLine.All().Where(s => s.File == "treason.log" && !s.Expect.TryGetProperty("match", out _)))
        {
            var ev = LineDecoder.Decode(sample.Line, reference).Event!.Value;
            var again = LineDecoder.Decode(TreasonMessage.Text(ev), reference).Event;
            Assert.NotNull(again);
            var a = EventFields.Of(ev).Where(kv => kv.Key is not ("time" or "uptime_us" or "host")).ToList();
            var b = EventFields.Of(again!.Value).Where(kv => kv.Key is not ("time" or "uptime_us" or "host")).ToList();
            Assert.Equal(a, b);
            checkedCount++;
        }
        Assert.True(checkedCount > 15);
    }
}
