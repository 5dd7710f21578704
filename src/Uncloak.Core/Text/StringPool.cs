using System.Text;

namespace Uncloak.Core.Text;

/// <summary>
/// Interns the few distinct short strings a log repeats millions of times (interface names,
/// drivers, firewall prefixes, host names), so a hot path allocates each at most once. Bounded:
/// hostile input with endless distinct values stops being interned at <see cref="Capacity"/>.
/// Not thread-safe; give each parsing thread its own.
/// </summary>
public sealed class StringPool
{
    public const int Capacity = 4096;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<byte> ascii)
    {
        if (ascii.IsEmpty)
        {
            return "";
        }
        if (ascii.Length > 256)
        {
            return Encoding.Latin1.GetString(ascii);
        }
        // The same few names (eth0, a rule's log prefix) come back on nearly every line: comparing the bytes with the
        // last string seen in this slot costs a fraction of widening and hashing them.
        ref var recent = ref _recent[(ascii.Length * 31 + ascii[0] + ascii[^1] * 7) & (RecentSlots - 1)];
        if (recent.Bytes is not null && ascii.SequenceEqual(recent.Bytes))
        {
            return recent.Value;
        }
        Span<char> chars = stackalloc char[ascii.Length];
        Encoding.Latin1.GetChars(ascii, chars);
        var value = Get(chars);
        recent = (ascii.ToArray(), value);
        return value;
    }

    private const int RecentSlots = 64;
    private readonly (byte[]? Bytes, string Value)[] _recent = new (byte[]?, string)[RecentSlots];

    public string Get(ReadOnlySpan<char> chars)
    {
        if (_lookup.TryGetValue(chars, out var existing))
        {
            return existing;
        }
        var s = chars.ToString();
        if (_strings.Count < Capacity)
        {
            _strings[s] = s;
        }
        return s;
    }
}
