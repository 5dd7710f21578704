namespace Uncloak.Core.Text;

/// <summary>
/// A time as <c>yyyy-MM-ddTHH:mm:ssZ</c> (UTC, whole seconds), written digit by digit: an analysis report writes two per
/// peer and two per link flap, hundreds of thousands on a dense log, and <see cref="DateTime.TryFormat(Span{byte}, out int, ReadOnlySpan{char}, IFormatProvider?)"/>
/// parses its custom format string every time (a sixth of the report's rendering, which is part of the run's tail).
/// </summary>
public static class IsoSeconds
{
    /// <summary>Bytes written.</summary>
    public const int Length = 20;

    /// <summary>Writes <paramref name="time"/> (its kind is not looked at) into the first <see cref="Length"/> bytes.</summary>
    public static void Write(DateTime time, Span<byte> destination)
    {
        var d = destination[..Length];
        time.Deconstruct(out var date, out var clock);
        Digits(d[..4], date.Year);
        d[4] = (byte)'-';
        Digits(d.Slice(5, 2), date.Month);
        d[7] = (byte)'-';
        Digits(d.Slice(8, 2), date.Day);
        d[10] = (byte)'T';
        Digits(d.Slice(11, 2), clock.Hour);
        d[13] = (byte)':';
        Digits(d.Slice(14, 2), clock.Minute);
        d[16] = (byte)':';
        Digits(d.Slice(17, 2), clock.Second);
        d[19] = (byte)'Z';
    }

    private static void Digits(Span<byte> into, int value)
    {
        for (int i = into.Length - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
