using System.Globalization;

namespace Uncloak.Core.Decisions;

/// <summary>Durations as admins write them: <c>30s</c>, <c>90m</c>, <c>1h</c>, <c>7d</c>, <c>2w</c>, or combined (<c>1h30m</c>).</summary>
public static class DurationText
{
    /// <summary>
    /// Parses a positive duration. Returns false on anything else (no unit, unknown unit, overflow, and zero unless
    /// <paramref name="allowZero"/>: a flag or key where zero means "none" or "at once" — a hold of any length, no
    /// dedupe — says so; a bare <c>0</c> then counts too, since zero needs no unit).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration, bool allowZero = false)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }
        if (allowZero && text is "0")
        {
            return true;
        }
        long totalSeconds = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || i == text.Length || i - start > 9)
            {
                return false;
            }
            long n = long.Parse(text[start..i], NumberStyles.None, CultureInfo.InvariantCulture);
            long unit = text[i] switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 7 * 86400,
                _ => 0,
            };
            if (unit == 0)
            {
                return false;
            }
            i++;
            totalSeconds += n * unit;
            if (totalSeconds > (long)TimeSpan.FromDays(3650).TotalSeconds)
            {
                return false; // ten years: anything longer is a typo, and nft timeouts have limits too
            }
        }
        if (totalSeconds <= 0)
        {
            return allowZero;
        }
        duration = TimeSpan.FromSeconds(totalSeconds);
        return true;
    }

    /// <summary>The shortest exact text: <c>1h30m</c>, <c>7d</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        long s = (long)Math.Round(duration.TotalSeconds);
        if (s <= 0)
        {
            return "0s";
        }
        var sb = new System.Text.StringBuilder();
        foreach (var (unit, suffix) in new[] { (86400L, 'd'), (3600L, 'h'), (60L, 'm'), (1L, 's') })
        {
            if (s >= unit)
            {
                sb.Append((s / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
                s %= unit;
            }
        }
        return sb.ToString();
    }
}
