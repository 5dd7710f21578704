namespace Uncloak.Core.Framing;

/// <summary>
/// The time-zone abbreviations <c>journalctl -o short-full</c> prints (<c>CEST</c>, <c>EDT</c>…). Abbreviations are
/// ambiguous in general (IST is India, Ireland and Israel); this table holds the unambiguous common ones and reads
/// anything else that looks like an abbreviation (2–6 capital letters, or a numeric <c>+03</c>) as UTC, documented in
/// docs/formats.md: a wrong hour is better than a lost line.
/// </summary>
public static class ZoneAbbreviations
{
    private static readonly (string Name, int Minutes)[] Known =
    [
        ("UTC", 0), ("GMT", 0), ("WET", 0), ("WEST", 60), ("BST", 60), ("CET", 60), ("CEST", 120), ("MET", 60), ("MEST", 120),
        ("EET", 120), ("EEST", 180), ("MSK", 180), ("EST", -300), ("EDT", -240), ("CST", -360), ("CDT", -300),
        ("MST", -420), ("MDT", -360), ("PST", -480), ("PDT", -420), ("AKST", -540), ("AKDT", -480), ("HST", -600),
        ("JST", 540), ("KST", 540), ("HKT", 480), ("SGT", 480), ("AEST", 600), ("AEDT", 660), ("ACST", 570),
        ("ACDT", 630), ("AWST", 480), ("NZST", 720), ("NZDT", 780),
    ];

    /// <summary>False when <paramref name="zone"/> is not shaped like a zone abbreviation at all.</summary>
    public static bool TryGetOffset(ReadOnlySpan<byte> zone, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone.Length is < 2 or > 6)
        {
            return false;
        }
        if (zone[0] is (byte)'+' or (byte)'-')
        {
            // tzdata's numeric abbreviations: +03, -0330.
            int sign = zone[0] == '-' ? -1 : 1;
            var digits = zone[1..];
            if ((digits.Length != 2 && digits.Length != 4) || !Uncloak.Core.Text.AsciiNumber.TryParseInt32(digits, out int v))
            {
                return false;
            }
            offset = digits.Length == 2 ? TimeSpan.FromHours(sign * v) : new TimeSpan(sign * (v / 100), sign * (v % 100), 0);
            return true;
        }
        foreach (byte b in zone)
        {
            if (b is < (byte)'A' or > (byte)'Z')
            {
                return false;
            }
        }
        foreach (var (name, minutes) in Known)
        {
            if (zone.Length == name.Length && Matches(zone, name))
            {
                offset = TimeSpan.FromMinutes(minutes);
                break;
            }
        }
        return true;
    }

    private static bool Matches(ReadOnlySpan<byte> zone, string name)
    {
        for (int i = 0; i < zone.Length; i++)
        {
            if (zone[i] != name[i])
            {
                return false;
            }
        }
        return true;
    }
}
