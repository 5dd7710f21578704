using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

/// <summary>
/// Classic syslog timestamps carry no year. The year is inferred from a reference time at which the
/// log is known to end (the file's modification time): a month later in the year than the reference
/// month belongs to the year before. That rule is stateless and handles a log that crosses New Year
/// (December lines → last year, January lines → this year) without a first pass.
/// </summary>
public static class SyslogTimestamp
{
    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    /// <summary>Reads <c>Mmm dd HH:MM:SS</c> (day space- or zero-padded), 15 bytes.</summary>
    public static bool TryParseBsd(ReadOnlySpan<byte> s, DateTime reference, out DateTime time)
    {
        time = default;
        if (s.Length < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
        {
            return false;
        }
        int month = MonthOf(s[..3]);
        int day = s[4] == ' ' ? Digit(s[5]) : Two(s[4], s[5]);
        int hour = Two(s[7], s[8]);
        int minute = Two(s[10], s[11]);
        int second = Two(s[13], s[14]);
        if (month < 1 || day < 1 || day > 31 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60)
        {
            return false;
        }
        int year = reference.Year - (month > reference.Month ? 1 : 0);
        if (day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        time = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        return true;
    }

    /// <summary>Reads an RFC 3339 timestamp up to the first space (<c>2025-06-17T04:07:59.123456+00:00</c>, <c>…Z</c>).</summary>
    public static bool TryParseRfc3339(ReadOnlySpan<byte> s, out DateTime time, out int consumed)
    {
        time = default;
        consumed = s.IndexOf((byte)' ');
        if (consumed < 19 || consumed > 40)
        {
            return false;
        }
        var t = s[..consumed];
        if (t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
        {
            return false;
        }
        int year = Two(t[0], t[1]) * 100 + Two(t[2], t[3]);
        int month = Two(t[5], t[6]);
        int day = Two(t[8], t[9]);
        int hour = Two(t[11], t[12]);
        int minute = Two(t[14], t[15]);
        int second = Two(t[17], t[18]);
        if (year < 1970 || month is < 1 or > 12 || day < 1 || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60
            || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        int i = 19;
        long ticks = 0;
        if (i < t.Length && t[i] == '.')
        {
            i++;
            int digits = 0;
            while (i < t.Length && (uint)(t[i] - '0') <= 9)
            {
                if (digits < 7)
                {
                    ticks = ticks * 10 + (t[i] - '0');
                    digits++;
                }
                i++;
            }
            for (; digits < 7; digits++)
            {
                ticks *= 10;
            }
        }
        var offset = TimeSpan.Zero;
        if (i < t.Length)
        {
            if (t[i] == 'Z' || t[i] == 'z')
            {
                i++;
            }
            else if ((t[i] == '+' || t[i] == '-') && i + 6 <= t.Length && t[i + 3] == ':')
            {
                int oh = Two(t[i + 1], t[i + 2]);
                int om = Two(t[i + 4], t[i + 5]);
                if (oh is < 0 or > 23 || om is < 0 or > 59)
                {
                    return false;
                }
                offset = new TimeSpan(oh, om, 0) * (t[i] == '-' ? -1 : 1);
                i += 6;
            }
        }
        if (i != t.Length)
        {
            return false;
        }
        time = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc).AddTicks(ticks) - offset;
        return true;
    }

    /// <summary>Reads a bracketed uptime stamp <c>[  840.538439]</c>; returns microseconds and the bytes consumed including a following space.</summary>
    public static bool TryParseUptime(ReadOnlySpan<byte> s, out long micros, out int consumed)
    {
        micros = -1;
        consumed = 0;
        if (s.Length < 3 || s[0] != '[')
        {
            return false;
        }
        int close = s[..Math.Min(s.Length, 32)].IndexOf((byte)']');
        if (close < 0)
        {
            return false;
        }
        var inner = Tokens.Trim(s[1..close]);
        int dot = inner.IndexOf((byte)'.');
        if (dot <= 0
            || !AsciiNumber.TryParseUInt64(inner[..dot], out ulong secs)
            || !AsciiNumber.TryParseUInt64(inner[(dot + 1)..], out ulong frac)
            || inner.Length - dot - 1 > 9
            || secs > 1_000_000_000)
        {
            return false;
        }
        int fracDigits = inner.Length - dot - 1;
        for (int d = fracDigits; d < 6; d++)
        {
            frac *= 10;
        }
        for (int d = fracDigits; d > 6; d--)
        {
            frac /= 10;
        }
        micros = (long)(secs * 1_000_000 + frac);
        consumed = close + 1;
        if (consumed < s.Length && s[consumed] == ' ')
        {
            consumed++;
        }
        return true;
    }

    internal static int MonthOf(ReadOnlySpan<byte> m)
    {
        var months = Months;
        for (int i = 0; i < 12; i++)
        {
            if (months.Slice(i * 3, 3).SequenceEqual(m))
            {
                return i + 1;
            }
        }
        return -1;
    }

    private static int Digit(byte b) => (uint)(b - '0') <= 9 ? b - '0' : -100;

    private static int Two(byte a, byte b)
    {
        int r = Digit(a) * 10 + Digit(b);
        return r < 0 ? -100 : r;
    }
}
