namespace Uncloak.Core.Analysis;

/// <summary>
/// The k-th smallest of a set of numbers without sorting them all: the median of tens of thousands of stalls' bytes in
/// flight is one of the last things the report waits for, and Native AOT sorts an array of numbers through a comparer
/// call per comparison (4–5 ms for the 60,000 stalls of the 2 M-line dense log; issue 18 item 6).
/// </summary>
internal static class Selection
{
    /// <summary>
    /// The <paramref name="k"/>-th smallest (from 0) of <paramref name="values"/>, which it reorders. Quickselect around
    /// the median of three; a log chosen to make it quadratic only makes it fall back to a sort after a few rounds too many.
    /// </summary>
    /// <param name="values">The numbers; reordered.</param>
    /// <param name="k">The rank wanted, from 0.</param>
    /// <param name="rounds">Partitioning rounds before the sort takes over (by default twice the bits of the count).</param>
    public static uint NthSmallest(Span<uint> values, int k, int? rounds = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, values.Length);
        int lo = 0, hi = values.Length - 1;
        for (int left = rounds ?? 2 * (32 - int.LeadingZeroCount(values.Length)); lo < hi; left--)
        {
            if (left <= 0)
            {
                values[lo..(hi + 1)].Sort();
                return values[k];
            }
            uint pivot = MedianOf(values[lo], values[lo + ((hi - lo) >> 1)], values[hi]);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (values[j] > pivot)
                {
                    j--;
                }
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            // lo..j hold values ≤ pivot, i..hi values ≥ pivot, and anything between them equals it.
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return values[k];
            }
        }
        return values[k];
    }

    private static uint MedianOf(uint a, uint b, uint c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
