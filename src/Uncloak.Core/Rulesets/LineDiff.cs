namespace Uncloak.Core.Rulesets;

/// <summary>A unified-style line diff (longest common subsequence): "  " kept, "- " only in the old text, "+ " only in the new.</summary>
public static class LineDiff
{
    public static IReadOnlyList<string> Compute(string oldText, string newText)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var result = new List<string>(a.Length + b.Length);
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                result.Add("  " + a[x]);
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                result.Add("- " + a[x++]);
            }
            else
            {
                result.Add("+ " + b[y++]);
            }
        }
        return result;
    }

    /// <summary>True when the texts differ in any line.</summary>
    public static bool HasChanges(IReadOnlyList<string> diff) => diff.Any(l => l[0] != ' ');

    private static string[] Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
