using System.Globalization;
using System.Text;
using Uncloak.Core.Text;
using Xunit;

namespace Uncloak.Core.Tests.Text;

public sealed class IsoSecondsTests
{
    [Fact]
    public void Writes_what_the_custom_format_string_writes_for_any_time()
    {
        var rnd = new Random(20);
        var times = new List<DateTime> { DateTime.MinValue, DateTime.MaxValue, new(999, 12, 31, 23, 59, 59), new(2024, 2, 29, 0, 0, 0), DateTime.UnixEpoch };
        times.AddRange(Enumerable.Range(0, 100_000).Select(_ => new DateTime(rnd.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), DateTimeKind.Utc)));
        Span<byte> text = stackalloc byte[IsoSeconds.Length];
        foreach (var t in times)
        {
            IsoSeconds.Write(t, text);
            Assert.Equal(t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Encoding.ASCII.GetString(text));
        }
    }
}
