using System.Buffers.Binary;
using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

/// <summary>
/// The timestamps log transports put before a kernel message. Classic syslog stamps carry no year: it is
/// inferred from a reference time at which the log is known to end (the file's modification time). A stamp
/// that would fall more than <see cref="FutureSlack"/> after the reference belongs to the year before, so a
/// log that crosses New Year needs no first pass and no line is ever dated after the log ended.
/// </summary>
public static class SyslogTimestamp
{
    /// <summary>
    /// How far past the reference a year-less stamp may fall and still count as this year. Syslog writes local
    /// time while the reference is UTC, so a host east of Greenwich legitimately logs up to 14 hours "ahead".
    /// </summary>
    public static readonly TimeSpan FutureSlack = TimeSpan.FromHours(14);

    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    private static ReadOnlySpan<byte> Weekdays => "MonTueWedThuFriSatSun"u8;

    /// <summary>Reads <c>Mmm dd HH:MM:SS</c> (day space- or zero-padded), 15 bytes.</summary>
    public static bool TryParseBsd(ReadOnlySpan<byte> s, DateTime reference, out DateTime time)
        => TryParseBsd(s, reference, out time, out int consumed) && consumed == 15;

    /// <summary>
    /// Reads <c>Mmm dd HH:MM:SS</c> with optional fractional seconds (<c>journalctl -o short-precise</c>:
    /// <c>Aug 12 10:01:02.123456</c>); <paramref name="consumed"/> is 15 plus the fraction's length.
    /// </summary>
    public static bool TryParseBsd(ReadOnlySpan<byte> s, DateTime reference, out DateTime time, out int consumed)
    {
        var none = default(BsdStampCache);
        return TryParseBsd(s, reference, ref none, out time, out consumed);
    }

    /// <summary>
    /// <see cref="TryParseBsd(ReadOnlySpan{byte}, DateTime, out DateTime, out int)"/> for a reader that calls it on
    /// every line with one <paramref name="reference"/>: a stamp whose 15 bytes equal the previous one's (a busy log
    /// writes many lines a second) takes its whole seconds from <paramref name="cache"/> instead of parsing them and
    /// inferring the year again.
    /// </summary>
    public static bool TryParseBsd(ReadOnlySpan<byte> s, DateTime reference, ref BsdStampCache cache, out DateTime time, out int consumed)
    {
        time = default;
        consumed = 0;
        if (s.Length < 15)
        {
            return false;
        }
        int i = 15;
        if (cache.Matches(s))
        {
            time = cache.Time.AddTicks(ReadFraction(s, ref i));
            consumed = i;
            return true;
        }
        if (s[3] == ' ' && s[5] == ' ' && s[8] == ':' && s[11] == ':')
        {
            return TryParseBsdUnpadded(s, reference, out time, out consumed);
        }
        if (s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
        {
            return false;
        }
        int month = MonthOf(s[..3]);
        int day = s[4] == ' ' ? Digit(s[5]) : Two(s[4], s[5]);
        if (month < 1 || day < 1 || day > 31 || !TryParseTimeOfDay(s[7..], out int hour, out int minute, out int second))
        {
            return false;
        }
        long ticks = ReadFraction(s, ref i);
        if (!TryInferYear(month, day, hour, minute, second, reference, out time))
        {
            return false;
        }
        cache = new BsdStampCache(s, time);
        time = time.AddTicks(ticks);
        consumed = i;
        return true;
    }

    /// <summary>
    /// <c>Jan 1 00:01:00</c>: a day of one digit without the padding space (some syslog daemons' and relays' templates,
    /// and lines re-typed by hand). Rare, so not cached.
    /// </summary>
    private static bool TryParseBsdUnpadded(ReadOnlySpan<byte> s, DateTime reference, out DateTime time, out int consumed)
    {
        time = default;
        consumed = 0;
        int month = MonthOf(s[..3]);
        int day = Digit(s[4]);
        if (month < 1 || day < 1 || !TryParseTimeOfDay(s[6..], out int hour, out int minute, out int second))
        {
            return false;
        }
        int i = 14;
        long ticks = ReadFraction(s, ref i);
        if (!TryInferYear(month, day, hour, minute, second, reference, out time))
        {
            return false;
        }
        time = time.AddTicks(ticks);
        consumed = i;
        return true;
    }

    /// <summary>
    /// The newest year, not after the reference's, in which the stamp exists and does not fall more than
    /// <see cref="FutureSlack"/> after the reference. Feb 29 goes back to the last leap year.
    /// </summary>
    private static bool TryInferYear(int month, int day, int hour, int minute, int second, DateTime reference, out DateTime time)
    {
        time = default;
        var latest = reference == default ? DateTime.MaxValue : reference + FutureSlack;
        for (int year = Math.Max(reference.Year, 2), tries = 0; tries < 9; year--, tries++)
        {
            if (day > DateTime.DaysInMonth(year, month))
            {
                continue;
            }
            var candidate = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
            if (candidate <= latest)
            {
                time = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads an RFC 3339 / ISO 8601 timestamp that ends at a space or <c>]</c>: <c>2025-06-17T04:07:59.123456+00:00</c>,
    /// <c>…Z</c>, journalctl's <c>+0100</c> (no colon), dmesg's <c>,123456</c> (comma fraction), or no offset (UTC).
    /// </summary>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> s, out DateTime time, out int consumed)
    {
        time = default;
        consumed = s[..Math.Min(s.Length, 41)].IndexOfAny((byte)' ', (byte)']');
        if (consumed < 19)
        {
            return false;
        }
        var t = s[..consumed];
        if (!TryParseDateTime(t, out time, out int i))
        {
            return false;
        }
        if (!TryParseOffset(t[i..], out var offset, out int n) || i + n != t.Length)
        {
            return false;
        }
        time -= offset;
        return true;
    }

    /// <summary>Reads <c>YYYY-MM-DD[T ]HH:MM:SS</c> with an optional <c>.</c>/<c>,</c> fraction; the wall time as read, marked UTC.</summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> t, out DateTime time, out int consumed)
    {
        time = default;
        consumed = 0;
        if (t.Length < 19 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
        {
            return false;
        }
        int year = Two(t[0], t[1]) * 100 + Two(t[2], t[3]);
        int month = Two(t[5], t[6]);
        int day = Two(t[8], t[9]);
        if (year < 1970 || month is < 1 or > 12 || day < 1 || !TryParseTimeOfDay(t[11..], out int hour, out int minute, out int second)
            || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        int i = 19;
        long ticks = ReadFraction(t, ref i);
        time = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc).AddTicks(ticks);
        consumed = i;
        return true;
    }

    /// <summary>Reads <c>Z</c>, <c>±HH:MM</c>, <c>±HHMM</c> or nothing (UTC) at the start of <paramref name="s"/>.</summary>
    private static bool TryParseOffset(ReadOnlySpan<byte> s, out TimeSpan offset, out int consumed)
    {
        offset = TimeSpan.Zero;
        consumed = 0;
        if (s.IsEmpty)
        {
            return true;
        }
        if (s[0] is (byte)'Z' or (byte)'z')
        {
            consumed = 1;
            return true;
        }
        if ((s[0] != '+' && s[0] != '-') || s.Length < 5)
        {
            return false;
        }
        bool colon = s[3] == ':';
        if (colon && s.Length < 6)
        {
            return false;
        }
        int oh = Two(s[1], s[2]);
        int om = colon ? Two(s[4], s[5]) : Two(s[3], s[4]);
        if (oh is < 0 or > 23 || om is < 0 or > 59)
        {
            return false;
        }
        offset = new TimeSpan(oh, om, 0) * (s[0] == '-' ? -1 : 1);
        consumed = colon ? 6 : 5;
        return true;
    }

    /// <summary>Reads ctime's <c>Www Mmm dd HH:MM:SS YYYY</c> (24 bytes; dmesg -T, OpenWrt logread).</summary>
    public static bool TryParseCtime(ReadOnlySpan<byte> s, out DateTime time)
    {
        time = default;
        if (s.Length < 24 || s[3] != ' ' || s[19] != ' ' || WeekdayOf(s[..3]) < 0
            || !AsciiNumber.TryParseInt32(s[20..24], out int year) || year < 1970)
        {
            return false;
        }
        // The year is in the stamp, so the reference is its last moment and inference keeps it.
        return TryParseBsd(s[4..19], new DateTime(year, 12, 31, 23, 59, 59, DateTimeKind.Utc), out time);
    }

    /// <summary>
    /// Reads <c>journalctl -o short-full</c>'s <c>Www YYYY-MM-DD HH:MM:SS ZONE</c>; the zone abbreviation is resolved
    /// by <see cref="ZoneAbbreviations"/> (unknown ones are read as UTC). <paramref name="consumed"/> ends after the zone.
    /// </summary>
    public static bool TryParseShortFull(ReadOnlySpan<byte> s, out DateTime time, out int consumed)
    {
        time = default;
        consumed = 0;
        if (s.Length < 25 || s[3] != ' ' || s[14] != ' ' || WeekdayOf(s[..3]) < 0 || !TryParseDateTime(s[4..], out time, out int n))
        {
            return false;
        }
        int i = 4 + n;
        if (i >= s.Length || s[i] != ' ')
        {
            return false;
        }
        i++;
        int zoneLength = s[i..Math.Min(s.Length, i + 7)].IndexOf((byte)' ');
        if (zoneLength < 1 || !ZoneAbbreviations.TryGetOffset(s.Slice(i, zoneLength), out var offset))
        {
            return false;
        }
        time -= offset;
        consumed = i + zoneLength;
        return true;
    }

    /// <summary>
    /// Reads a bracketed uptime stamp <c>[  840.538439]</c>, also with dmesg <c>-d</c>'s delta to the previous message
    /// (<c>[  840.538439 &lt;    0.000004&gt;]</c>); returns microseconds and the bytes consumed including a following space.
    /// </summary>
    public static bool TryParseUptime(ReadOnlySpan<byte> s, out long micros, out int consumed)
    {
        micros = -1;
        consumed = 0;
        if (s.Length < 3 || s[0] != '[')
        {
            return false;
        }
        if (TryParsePlainUptime(s, out micros, out consumed))
        {
            return true;
        }
        int close = s[..Math.Min(s.Length, 48)].IndexOf((byte)']');
        if (close < 0)
        {
            return false;
        }
        var inner = Tokens.Trim(s[1..close]);
        int delta = inner.IndexOf(" <"u8);
        if (delta > 0 && inner[^1] == '>')
        {
            inner = Tokens.Trim(inner[..delta]);
        }
        if (!TryParseSeconds(inner, out micros))
        {
            return false;
        }
        consumed = close + 1;
        if (consumed < s.Length && s[consumed] == ' ')
        {
            consumed++;
        }
        return true;
    }

    /// <summary>
    /// The stamp as printk writes it, <c>[  840.538439]</c> (padding, seconds, a dot, the fraction, the bracket), read in
    /// one pass: nearly every line of a kern.log carries one, and the general reader above takes a search, a trim and two
    /// number parses for it. Anything else (dmesg <c>-d</c>'s delta, tabs, a value out of range) is left to the general
    /// reader, whose result on what this one accepts is the same.
    /// </summary>
    private static bool TryParsePlainUptime(ReadOnlySpan<byte> s, out long micros, out int consumed)
    {
        micros = -1;
        consumed = 0;
        int i = 1;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
        int start = i;
        ulong secs = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9 && i - start < 10)
        {
            secs = secs * 10 + (uint)(s[i] - '0');
            i++;
        }
        if (i == start || i >= s.Length || s[i] != '.' || secs > 1_000_000_000)
        {
            return false;
        }
        int fractionStart = ++i;
        if (fractionStart + 6 < 48 && fractionStart + sizeof(ulong) <= s.Length
            && TrySixDigitsAndBracket(BinaryPrimitives.ReadUInt64LittleEndian(s[fractionStart..]), out ulong six))
        {
            micros = (long)(secs * 1_000_000 + six);
            consumed = fractionStart + 7;
            if (consumed < s.Length && s[consumed] == ' ')
            {
                consumed++;
            }
            return true;
        }
        ulong frac = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9 && i - fractionStart < 9)
        {
            frac = frac * 10 + (uint)(s[i] - '0');
            i++;
        }
        int fracDigits = i - fractionStart;
        if (fracDigits == 0 || i >= Math.Min(s.Length, 48) || s[i] != ']')
        {
            return false;
        }
        micros = ToMicros(secs, frac, fracDigits);
        consumed = i + 1;
        if (consumed < s.Length && s[consumed] == ' ')
        {
            consumed++;
        }
        return true;
    }

    /// <summary>
    /// printk's six digits of fraction and the bracket after them (<c>538439]</c>), the first seven bytes of
    /// <paramref name="word"/> (little-endian), read without a loop: nearly every line of a kern.log has them.
    /// </summary>
    private static bool TrySixDigitsAndBracket(ulong word, out ulong value)
    {
        value = 0;
        return (byte)(word >> 48) == (byte)']' && AsciiNumber.TryParseSixDigits(word, out value);
    }

    /// <summary>Seconds with a fraction of at most nine digits (<c>840.538439</c>, <c>0.5</c>), as microseconds.</summary>
    public static bool TryParseSeconds(ReadOnlySpan<byte> s, out long micros)
    {
        micros = -1;
        int dot = s.IndexOf((byte)'.');
        if (dot <= 0
            || !AsciiNumber.TryParseUInt64(s[..dot], out ulong secs)
            || !AsciiNumber.TryParseUInt64(s[(dot + 1)..], out ulong frac)
            || s.Length - dot - 1 > 9
            || secs > 1_000_000_000)
        {
            return false;
        }
        int fracDigits = s.Length - dot - 1;
        micros = ToMicros(secs, frac, fracDigits);
        return true;
    }

    /// <summary>
    /// dmesg <c>-H</c>'s minute stamp <c>Aug12 10:01</c> (strftime <c>%b%d %H:%M</c>, local time read as UTC as with
    /// <c>-T</c>), its year inferred from <paramref name="reference"/> as for classic syslog.
    /// </summary>
    public static bool TryParseShortCtime(ReadOnlySpan<byte> s, DateTime reference, out DateTime time)
    {
        time = default;
        int month = s.Length == 11 ? MonthOf(s[..3]) : 0;
        if (month == 0 || !TwoDigits(s[3..5], out int day) || s[5] != ' ' || !TwoDigits(s[6..8], out int hour) || s[8] != ':'
            || !TwoDigits(s[9..11], out int minute) || day is < 1 or > 31 || hour > 23 || minute > 59)
        {
            return false;
        }
        return TryInferYear(month, day, hour, minute, 0, reference, out time);
    }

    /// <summary>Whole seconds and a fraction of <paramref name="fracDigits"/> digits (at most nine) as microseconds.</summary>
    private static long ToMicros(ulong secs, ulong frac, int fracDigits)
    {
        for (int d = fracDigits; d < 6; d++)
        {
            frac *= 10;
        }
        for (int d = fracDigits; d > 6; d--)
        {
            frac /= 10;
        }
        return (long)(secs * 1_000_000 + frac);
    }

    /// <summary>Reads <c>HH:MM:SS</c> in the first eight bytes (a leap second's 60 allowed).</summary>
    internal static bool TryParseTimeOfDay(ReadOnlySpan<byte> s, out int hour, out int minute, out int second)
    {
        hour = minute = second = -1;
        if (s.Length < 8 || s[2] != ':' || s[5] != ':')
        {
            return false;
        }
        hour = Two(s[0], s[1]);
        minute = Two(s[3], s[4]);
        second = Two(s[6], s[7]);
        return hour is >= 0 and <= 23 && minute is >= 0 and <= 59 && second is >= 0 and <= 60;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = (s[0] - '0') * 10 + (s[1] - '0');
        return (uint)(s[0] - '0') <= 9 && (uint)(s[1] - '0') <= 9;
    }

    internal static int MonthOf(ReadOnlySpan<byte> m)
    {
        int i = IndexOf3(Months, m);
        return i < 0 ? -1 : i + 1;
    }

    internal static int WeekdayOf(ReadOnlySpan<byte> d) => IndexOf3(Weekdays, d);

    private static int IndexOf3(ReadOnlySpan<byte> table, ReadOnlySpan<byte> name)
    {
        if (name.Length != 3)
        {
            return -1;
        }
        for (int i = 0; i < table.Length; i += 3)
        {
            if (table.Slice(i, 3).SequenceEqual(name))
            {
                return i / 3;
            }
        }
        return -1;
    }

    /// <summary>Reads <c>.ddd…</c> or <c>,ddd…</c> at <paramref name="i"/> into ticks (100 ns; digits past 7 dropped).</summary>
    private static long ReadFraction(ReadOnlySpan<byte> s, ref int i)
    {
        if (i + 1 >= s.Length || (s[i] != '.' && s[i] != ',') || (uint)(s[i + 1] - '0') > 9)
        {
            return 0;
        }
        i++;
        long ticks = 0;
        int digits = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            if (digits < 7)
            {
                ticks = ticks * 10 + (s[i] - '0');
                digits++;
            }
            i++;
        }
        for (; digits < 7; digits++)
        {
            ticks *= 10;
        }
        return ticks;
    }

    private static int Digit(byte b) => (uint)(b - '0') <= 9 ? b - '0' : -100;

    private static int Two(byte a, byte b)
    {
        int r = Digit(a) * 10 + Digit(b);
        return r < 0 ? -100 : r;
    }
}
