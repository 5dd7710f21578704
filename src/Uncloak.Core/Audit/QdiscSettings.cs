using System.Globalization;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Audit;

/// <summary>
/// The sizes a qdisc's options set, read from the options text <c>tc qdisc show</c> prints (<c>rate 1Mbit burst 1600b lat
/// 50ms</c>, <c>limit 10240p flows 1024 …</c>, <c>limit 5p</c>): the rate it drains at, its bucket and its queue limit. A
/// value tc did not print, or printed in a form not understood, is null: the checks then judge what they can.
/// </summary>
public sealed record QdiscSettings
{
    /// <summary>tbf's rate in bytes per second.</summary>
    public double? RateBytesPerSecond { get; init; }

    /// <summary>tbf's bucket in bytes: what may pass at once, above the rate.</summary>
    public long? BurstBytes { get; init; }

    /// <summary>The queue in bytes: bfifo's limit; tbf's, worked back from the latency tc prints (limit = rate × lat + burst).</summary>
    public long? LimitBytes { get; init; }

    /// <summary>The queue in packets: pfifo, fq_codel, fq, codel (<c>limit 1000p</c>).</summary>
    public long? LimitPackets { get; init; }

    /// <summary>Reads the options of <paramref name="qdisc"/>.</summary>
    public static QdiscSettings Of(QdiscStats qdisc)
    {
        ArgumentNullException.ThrowIfNull(qdisc);
        var words = qdisc.Options.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? Value(string key)
        {
            int i = Array.IndexOf(words, key);
            return i >= 0 && i + 1 < words.Length ? words[i + 1] : null;
        }
        double? rate = TryRate(Value("rate"), out double r) ? r : null;
        long? burst = TrySize(Value("burst") ?? Value("buffer") ?? Value("maxburst"), out long b) ? b : null;
        long? limitBytes = null, limitPackets = null;
        if (Value("limit") is { } limit)
        {
            if (limit.EndsWith('p') && long.TryParse(limit.AsSpan(0, limit.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long p))
            {
                limitPackets = p;
            }
            else if (TrySize(limit, out long l))
            {
                limitBytes = l;
            }
        }
        // tbf prints its queue as a latency unless asked for details: the kernel's limit is rate × latency + burst.
        if (limitBytes is null && qdisc.Kind == "tbf" && rate is { } rt && burst is { } bu && TryTime(Value("lat") ?? Value("latency"), out double lat))
        {
            limitBytes = (long)Math.Round(rt * lat) + bu;
        }
        return new QdiscSettings { RateBytesPerSecond = rate, BurstBytes = burst, LimitBytes = limitBytes, LimitPackets = limitPackets };
    }

    /// <summary>tc's sizes: <c>1600b</c>, <c>10Kb</c> (1024 bytes), <c>2Mb</c>, <c>1Gb</c>; with <c>-d</c> a cell suffix (<c>1600b/1</c>).</summary>
    public static bool TrySize(string? text, out long bytes)
    {
        bytes = 0;
        if (text is null)
        {
            return false;
        }
        var s = text.AsSpan();
        int slash = s.IndexOf('/');
        if (slash >= 0)
        {
            s = s[..slash];
        }
        (string Suffix, double Factor)[] units = [("Gb", 1024d * 1024 * 1024), ("Mb", 1024d * 1024), ("Kb", 1024), ("kb", 1024), ("b", 1)];
        foreach (var (suffix, factor) in units)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(s[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
            {
                bytes = (long)Math.Round(n * factor);
                return true;
            }
        }
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out bytes);
    }

    /// <summary>tc's rates, in bits per second with SI prefixes (<c>1Mbit</c>, <c>800Kbit</c>, <c>10Gbit</c>; <c>Kibit</c> with -iec), as bytes per second.</summary>
    public static bool TryRate(string? text, out double bytesPerSecond)
    {
        bytesPerSecond = 0;
        if (text is null || !text.EndsWith("bit", StringComparison.Ordinal))
        {
            return false;
        }
        var s = text.AsSpan(0, text.Length - 3);
        double factor = 1;
        if (s.EndsWith("i", StringComparison.Ordinal) && s.Length > 1)
        {
            factor = s[^2] switch { 'K' => 1024d, 'M' => 1024d * 1024, 'G' => 1024d * 1024 * 1024, 'T' => 1024d * 1024 * 1024 * 1024, _ => 0 };
            s = s[..^2];
        }
        else if (s.Length > 0 && char.IsAsciiLetter(s[^1]))
        {
            factor = s[^1] switch { 'K' or 'k' => 1e3, 'M' => 1e6, 'G' => 1e9, 'T' => 1e12, _ => 0 };
            s = s[..^1];
        }
        if (factor == 0 || !double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
        {
            return false;
        }
        bytesPerSecond = n * factor / 8;
        return true;
    }

    /// <summary>tc's times: <c>50.0ms</c>, <c>100us</c>, <c>1.5s</c>, <c>0ns</c>, as seconds.</summary>
    public static bool TryTime(string? text, out double seconds)
    {
        seconds = 0;
        if (text is null)
        {
            return false;
        }
        (string Suffix, double Factor)[] units = [("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9), ("s", 1)];
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
            {
                seconds = n * factor;
                return true;
            }
        }
        return false;
    }
}
