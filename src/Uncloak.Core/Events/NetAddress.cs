using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Uncloak.Core.Events;

/// <summary>
/// An IPv4 or IPv6 address as a 16-byte value, so events can carry peers without allocating.
/// IPv4 is held in its IPv4-mapped form (::ffff:a.b.c.d) and reported as IPv4, which also
/// folds the kernel's <c>%pI6</c> print of an IPv4 client on a dual-stack socket into one peer.
/// </summary>
public readonly struct NetAddress : IEquatable<NetAddress>, IComparable<NetAddress>
{
    private const ulong MappedPrefix = 0x0000_FFFF_0000_0000UL;

    private readonly ulong _hi;
    private readonly ulong _lo;
    private readonly byte _family; // 0 none, 4, 6

    private NetAddress(ulong hi, ulong lo, byte family)
    {
        _hi = hi;
        _lo = lo;
        _family = family;
    }

    /// <summary>No address (a message that names none).</summary>
    public static NetAddress None => default;

    public bool IsNone => _family == 0;

    public bool IsV4 => _family == 4;

    public bool IsV6 => _family == 6;

    /// <summary>High 64 bits of the 128-bit (IPv4-mapped for IPv4) big-endian value.</summary>
    public ulong High => _hi;

    /// <summary>Low 64 bits of the 128-bit (IPv4-mapped for IPv4) big-endian value.</summary>
    public ulong Low => _lo;

    public static NetAddress FromV4(uint hostOrder) => new(0, MappedPrefix | hostOrder, 4);

    public static NetAddress FromV6(ulong hi, ulong lo)
        => hi == 0 && (lo & 0xFFFF_FFFF_0000_0000UL) == MappedPrefix
            ? new NetAddress(0, lo, 4)
            : new NetAddress(hi, lo, 6);

    /// <summary>Builds from raw network-order bytes (4 or 16 of them).</summary>
    public static NetAddress FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        4 => FromV4(BinaryPrimitives.ReadUInt32BigEndian(bytes)),
        16 => FromV6(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..])),
        _ => None,
    };

    public static NetAddress FromIPAddress(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int n);
        return FromBytes(b[..n]);
    }

    /// <summary>The IPv4 value in host order; meaningful only when <see cref="IsV4"/>.</summary>
    public uint V4 => (uint)_lo;

    public void WriteBytes(Span<byte> destination16)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination16, _hi);
        BinaryPrimitives.WriteUInt64BigEndian(destination16[8..], _lo);
    }

    public IPAddress ToIPAddress()
    {
        if (IsNone)
        {
            return IPAddress.None;
        }
        if (IsV4)
        {
            Span<byte> b4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b4, V4);
            return new IPAddress(b4);
        }
        Span<byte> b = stackalloc byte[16];
        WriteBytes(b);
        return new IPAddress(b);
    }

    public AddressFamily Family => IsV4 ? AddressFamily.InterNetwork : IsV6 ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;

    /// <summary>The network of this address with <paramref name="bits"/> prefix bits kept (bits count within the family).</summary>
    public NetAddress Prefix(int bits)
    {
        if (IsV4)
        {
            uint mask = bits <= 0 ? 0u : bits >= 32 ? uint.MaxValue : uint.MaxValue << (32 - bits);
            return FromV4(V4 & mask);
        }
        if (IsV6)
        {
            ulong hiMask = bits <= 0 ? 0 : bits >= 64 ? ulong.MaxValue : ulong.MaxValue << (64 - bits);
            ulong loMask = bits <= 64 ? 0 : bits >= 128 ? ulong.MaxValue : ulong.MaxValue << (128 - bits);
            return new NetAddress(_hi & hiMask, _lo & loMask, 6);
        }
        return this;
    }

    public bool IsLoopback => IsV4 ? (V4 >> 24) == 127 : IsV6 && _hi == 0 && _lo == 1;

    /// <summary>Canonical text: dotted IPv4, RFC 5952 IPv6.</summary>
    public override string ToString() => IsNone ? "" : ToIPAddress().ToString();

    /// <summary>
    /// <see cref="ToString"/>'s text as UTF-8 into <paramref name="destination"/> (45 bytes hold any address), IPv4
    /// without an <see cref="IPAddress"/> or a string: reports write tens of thousands of peers.
    /// </summary>
    public bool TryFormat(Span<byte> destination, out int written)
    {
        if (IsNone)
        {
            written = 0;
            return true;
        }
        if (!IsV4)
        {
            return ToIPAddress().TryFormat(destination, out written);
        }
        written = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            if (shift < 24)
            {
                if (written >= destination.Length)
                {
                    written = 0;
                    return false;
                }
                destination[written++] = (byte)'.';
            }
            if (!System.Buffers.Text.Utf8Formatter.TryFormat((byte)(V4 >> shift), destination[written..], out int n))
            {
                written = 0;
                return false;
            }
            written += n;
        }
        return true;
    }

    public bool Equals(NetAddress other) => _hi == other._hi && _lo == other._lo && _family == other._family;

    public override bool Equals(object? obj) => obj is NetAddress other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_hi, _lo, _family);

    public int CompareTo(NetAddress other)
    {
        int c = _family.CompareTo(other._family);
        if (c != 0)
        {
            return c;
        }
        c = _hi.CompareTo(other._hi);
        return c != 0 ? c : _lo.CompareTo(other._lo);
    }

    public static bool operator ==(NetAddress left, NetAddress right) => left.Equals(right);

    public static bool operator !=(NetAddress left, NetAddress right) => !left.Equals(right);

    /// <summary>Parses dotted IPv4 or IPv6 (full <c>%pI6</c>, compressed, or with an embedded IPv4 tail) from ASCII bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out NetAddress address)
    {
        address = default;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }
        if (text.IndexOf((byte)':') < 0)
        {
            if (!TryParseV4(text, out uint v4))
            {
                return false;
            }
            address = FromV4(v4);
            return true;
        }
        return TryParseV6(text, out address);
    }

    public static bool TryParse(string text, out NetAddress address)
    {
        Span<byte> buf = stackalloc byte[46];
        if (text.Length > 45)
        {
            address = default;
            return false;
        }
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c > 127)
            {
                address = default;
                return false;
            }
            buf[i] = (byte)c;
        }
        return TryParse(buf[..text.Length], out address);
    }

    public static NetAddress Parse(string text)
        => TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IP address");

    internal static bool TryParseV4(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        int parts = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            uint octet = 0;
            while (i < text.Length && (uint)(text[i] - '0') <= 9)
            {
                octet = octet * 10 + (uint)(text[i] - '0');
                i++;
                if (i - start > 3)
                {
                    return false;
                }
            }
            if (i == start || octet > 255)
            {
                return false;
            }
            value = (value << 8) | octet;
            parts++;
            if (parts == 4)
            {
                return i == text.Length;
            }
            if (i >= text.Length || text[i] != '.')
            {
                return false;
            }
            i++;
        }
    }

    private static bool TryParseV6(ReadOnlySpan<byte> text, out NetAddress address)
    {
        address = default;
        Span<ushort> groups = stackalloc ushort[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (text.StartsWith("::"u8))
        {
            gap = 0;
            i = 2;
            if (i == text.Length)
            {
                address = new NetAddress(0, 0, 6);
                return true;
            }
        }
        else if (text[0] == ':')
        {
            return false;
        }
        while (i < text.Length)
        {
            int start = i;
            uint g = 0;
            while (i < text.Length && i - start < 5)
            {
                int h = HexValue(text[i]);
                if (h < 0)
                {
                    break;
                }
                g = (g << 4) | (uint)h;
                i++;
            }
            if (i < text.Length && text[i] == '.')
            {
                // Embedded IPv4 tail (::ffff:1.2.3.4).
                if (count > 6 || !TryParseV4(text[start..], out uint v4))
                {
                    return false;
                }
                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                i = text.Length;
                break;
            }
            if (i == start || i - start > 4 || count == 8)
            {
                return false;
            }
            groups[count++] = (ushort)g;
            if (i == text.Length)
            {
                break;
            }
            if (text[i] != ':')
            {
                return false;
            }
            i++;
            if (i < text.Length && text[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }
                gap = count;
                i++;
                if (i == text.Length)
                {
                    break;
                }
            }
            else if (i == text.Length)
            {
                return false;
            }
        }
        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }
        Span<ushort> full = stackalloc ushort[8];
        if (gap < 0)
        {
            groups.CopyTo(full);
        }
        else
        {
            int tail = count - gap;
            groups[..gap].CopyTo(full);
            groups.Slice(gap, tail).CopyTo(full[(8 - tail)..]);
        }
        ulong hi = ((ulong)full[0] << 48) | ((ulong)full[1] << 32) | ((ulong)full[2] << 16) | full[3];
        ulong lo = ((ulong)full[4] << 48) | ((ulong)full[5] << 32) | ((ulong)full[6] << 16) | full[7];
        address = FromV6(hi, lo);
        return true;
    }

    private static int HexValue(byte c)
    {
        if ((uint)(c - '0') <= 9)
        {
            return c - '0';
        }
        int lower = c | 0x20;
        return (uint)(lower - 'a') <= 5 ? lower - 'a' + 10 : -1;
    }
}
