using Uncloak.Core.Analysis;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

public sealed class SelectionTests
{
    public static TheoryData<string, uint[]> Sets()
    {
        var rnd = new Random(11);
        var data = new TheoryData<string, uint[]>
        {
            { "one", [7] },
            { "two", [9, 3] },
            { "three equal", [5, 5, 5] },
            { "random", [.. Enumerable.Range(0, 5_001).Select(_ => (uint)rnd.Next())] },
            { "few values", [.. Enumerable.Range(0, 4_000).Select(_ => (uint)rnd.Next(3))] },
            { "all equal", [.. Enumerable.Repeat(42u, 3_000)] },
            { "sorted", [.. Enumerable.Range(0, 3_000).Select(i => (uint)i)] },
            { "reversed", [.. Enumerable.Range(0, 3_000).Select(i => (uint)(3_000 - i))] },
            { "extremes", [.. Enumerable.Range(0, 2_001).Select(i => i % 2 == 0 ? uint.MaxValue : 0u)] },
            { "organ pipe", [.. Enumerable.Range(0, 4_000).Select(i => (uint)Math.Min(i, 4_000 - i))] },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Every_rank_is_the_one_a_sort_gives(string name, uint[] values)
    {
        var sorted = values.Order().ToArray();
        var ranks = values.Length <= 3 ? Enumerable.Range(0, values.Length) : new[] { 0, 1, values.Length / 3, values.Length / 2, values.Length - 2, values.Length - 1 };
        foreach (int k in ranks)
        {
            var copy = (uint[])values.Clone();
            Assert.True(sorted[k] == Selection.NthSmallest(copy, k), $"{name}: rank {k}");
            Assert.Equal(sorted, copy.Order()); // reordered, nothing lost
            foreach (int rounds in new[] { 0, 1, 2 })
            {
                copy = (uint[])values.Clone();
                Assert.True(sorted[k] == Selection.NthSmallest(copy, k, rounds), $"{name}: rank {k}, sorted after {rounds} rounds");
            }
        }
    }

    [Fact]
    public void A_rank_outside_the_values_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Selection.NthSmallest(new uint[3], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Selection.NthSmallest(new uint[3], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Selection.NthSmallest([], 0));
    }
}
