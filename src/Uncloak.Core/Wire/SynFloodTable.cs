using System.Numerics;
using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// SYNs per destination (address and port) in the current count window, with what tells a spoofed flood from a busy
/// service: distinct sources and /24 (/48) prefixes (linear counting over fixed bitmaps, so no allocation and bounded
/// memory), the TTL spread, the sources' common prefix, how many handshakes completed and from which addresses (the
/// first <see cref="MaxCompleters"/>: a range named as the flood's sources must leave them out).
/// </summary>
internal sealed class SynFloodTable
{
    private const int SourceBits = 4096;
    private const int PrefixBits = 1024;
    private const int Words = (SourceBits + PrefixBits) / 64;

    /// <summary>Addresses that completed a handshake kept per destination; past it the entry only says "more".</summary>
    public const int MaxCompleters = 16;

    private readonly Dictionary<(NetAddress, ushort), int> _index;
    private readonly SynEntry[] _entries;
    private readonly ulong[] _bits;
    private readonly NetAddress[] _completers;
    private int _count;

    public SynFloodTable(int capacity)
    {
        capacity = Math.Min(capacity, 2048);
        _index = new Dictionary<(NetAddress, ushort), int>(capacity);
        _entries = new SynEntry[capacity];
        _bits = new ulong[capacity * Words];
        _completers = new NetAddress[capacity * MaxCompleters];
    }

    public int Count => _count;

    public ref SynEntry this[int i] => ref _entries[i];

    /// <summary>Counts a SYN; false when the table is full and the destination is new (the caller counts the overflow).</summary>
    public bool Add(NetAddress destination, ushort port, NetAddress source, byte ttl, long now)
    {
        if (!_index.TryGetValue((destination, port), out int i))
        {
            if (_count == _entries.Length)
            {
                return false;
            }
            i = _count++;
            _index[(destination, port)] = i;
            _entries[i] = new SynEntry
            {
                Destination = destination,
                Port = port,
                TtlMin = byte.MaxValue,
                AndHigh = ulong.MaxValue,
                AndLow = ulong.MaxValue,
            };
            _bits.AsSpan(i * Words, Words).Clear();
        }
        ref var e = ref _entries[i];
        e.Syns++;
        e.TtlMin = Math.Min(e.TtlMin, ttl);
        e.TtlMax = Math.Max(e.TtlMax, ttl);
        e.AndHigh &= source.High;
        e.AndLow &= source.Low;
        e.OrHigh |= source.High;
        e.OrLow |= source.Low;
        e.IsV6 |= source.IsV6;
        var bits = _bits.AsSpan(i * Words, Words);
        uint h = (uint)source.GetHashCode();
        Set(bits, (int)(h % SourceBits));
        var prefix = source.Prefix(source.IsV4 ? 24 : 48);
        Set(bits, SourceBits + (int)((uint)prefix.GetHashCode() % PrefixBits));
        return true;
    }

    /// <summary>The ACK of <paramref name="client"/> completed a handshake to this destination.</summary>
    public void Complete(NetAddress destination, ushort port, NetAddress client)
    {
        if (!_index.TryGetValue((destination, port), out int i))
        {
            return;
        }
        ref var e = ref _entries[i];
        e.Completed++;
        var known = _completers.AsSpan(i * MaxCompleters, Math.Min(e.Completers, MaxCompleters));
        if (known.Contains(client))
        {
            return;
        }
        if (e.Completers < MaxCompleters)
        {
            _completers[i * MaxCompleters + e.Completers] = client;
        }
        e.Completers++;
    }

    /// <summary>The addresses that completed a handshake to entry <paramref name="i"/> (at most <see cref="MaxCompleters"/>).</summary>
    public ReadOnlySpan<NetAddress> Completers(int i) => _completers.AsSpan(i * MaxCompleters, Math.Min(_entries[i].Completers, MaxCompleters));

    /// <summary>Estimated distinct sources and prefixes of entry <paramref name="i"/>.</summary>
    public (int Sources, int Prefixes) Distinct(int i)
    {
        var bits = _bits.AsSpan(i * Words, Words);
        return (Estimate(bits[..(SourceBits / 64)], SourceBits), Estimate(bits[(SourceBits / 64)..], PrefixBits));
    }

    public void Clear()
    {
        _index.Clear();
        _count = 0;
    }

    private static void Set(Span<ulong> bits, int bit) => bits[bit >> 6] |= 1UL << (bit & 63);

    /// <summary>Linear counting (Whang et al. 1990): n ≈ −m·ln(empty/m); saturated bitmaps report m·ln(m).</summary>
    private static int Estimate(ReadOnlySpan<ulong> bits, int m)
    {
        int set = 0;
        foreach (ulong w in bits)
        {
            set += BitOperations.PopCount(w);
        }
        int empty = m - set;
        return empty == 0 ? (int)(m * Math.Log(m)) : (int)Math.Round(-m * Math.Log((double)empty / m));
    }
}

/// <summary>One destination's SYN counts in the current window.</summary>
internal struct SynEntry
{
    public NetAddress Destination;
    public ushort Port;
    public int Syns;
    public int Completed;

    /// <summary>Distinct addresses that completed a handshake (counted past <see cref="SynFloodTable.MaxCompleters"/>, kept up to it).</summary>
    public int Completers;
    public byte TtlMin;
    public byte TtlMax;
    public ulong AndHigh;
    public ulong AndLow;
    public ulong OrHigh;
    public ulong OrLow;
    public bool IsV6;

    /// <summary>The longest prefix every source shares, as (network, length); length 0 when they share nothing.</summary>
    public readonly (NetAddress Network, int Length) CommonPrefix() => PrefixOf(AndHigh, AndLow, OrHigh, OrLow, IsV6);

    /// <summary>
    /// The longest prefix of addresses whose bitwise AND is (<paramref name="andHigh"/>, <paramref name="andLow"/>) and
    /// OR is (<paramref name="orHigh"/>, <paramref name="orLow"/>); an IPv4 length (0–32) when none of them was IPv6.
    /// </summary>
    public static (NetAddress Network, int Length) PrefixOf(ulong andHigh, ulong andLow, ulong orHigh, ulong orLow, bool anyV6)
    {
        ulong diffHigh = andHigh ^ orHigh;
        ulong diffLow = andLow ^ orLow;
        int bits = diffHigh != 0 ? BitOperations.LeadingZeroCount(diffHigh) : 64 + (diffLow != 0 ? BitOperations.LeadingZeroCount(diffLow) : 64);
        var network = NetAddress.FromV6(andHigh, andLow);
        if (network.IsV4 && !anyV6)
        {
            int v4 = Math.Max(0, bits - 96);
            return (network.Prefix(v4), v4);
        }
        return (network.Prefix(bits), bits);
    }
}
