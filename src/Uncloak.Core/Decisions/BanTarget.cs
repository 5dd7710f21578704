using System.Buffers.Text;
using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Decisions;

/// <summary>
/// What a ban covers: one address or a network (CIDR). Always normalised: host bits below the prefix are
/// zero, so two spellings of one network are equal. A prefix of 32 (IPv4) or 128 (IPv6) is one host.
/// </summary>
public readonly record struct BanTarget : IComparable<BanTarget>
{
    /// <summary>The prefix IPv6 peers are aggregated to by default: one customer usually holds a whole /64.</summary>
    public const int DefaultV6Prefix = 64;

    public BanTarget(NetAddress network, int prefixLength)
    {
        if (network.IsNone)
        {
            throw new ArgumentException("a ban needs an address", nameof(network));
        }
        int max = network.IsV4 ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength, $"prefix must be 0..{max}");
        }
        Network = network.Prefix(prefixLength);
        PrefixLength = prefixLength;
    }

    public NetAddress Network { get; }

    public int PrefixLength { get; }

    public bool IsV4 => Network.IsV4;

    public int MaxPrefix => IsV4 ? 32 : 128;

    /// <summary>True for one address (/32 or /128).</summary>
    public bool IsHost => PrefixLength == MaxPrefix;

    /// <summary>The target a ban of <paramref name="address"/> covers: the address itself for IPv4, its /<paramref name="v6Prefix"/> for IPv6.</summary>
    public static BanTarget For(NetAddress address, int v6Prefix = DefaultV6Prefix)
        => new(address, address.IsV4 ? 32 : v6Prefix);

    /// <summary>True when <paramref name="address"/> lies inside this target.</summary>
    public bool Contains(NetAddress address)
        => address.IsV4 == IsV4 && !address.IsNone && address.Prefix(PrefixLength) == Network;

    /// <summary>True when every address of <paramref name="other"/> lies inside this target.</summary>
    public bool Contains(BanTarget other)
        => other.IsV4 == IsV4 && other.PrefixLength >= PrefixLength && other.Network.Prefix(PrefixLength) == Network;

    /// <summary>True when the two share at least one address (one contains the other, CIDRs never partly overlap).</summary>
    public bool Overlaps(BanTarget other) => Contains(other) || other.Contains(this);

    /// <summary>
    /// Parses <c>198.18.0.7</c>, <c>198.18.0.0/24</c>, <c>2001:2::1</c> or <c>2001:2::/48</c> (also with an IPv6 zone,
    /// <c>fe80::1%eth0</c>, or IPv4-mapped, <c>::ffff:198.18.0.7</c>: see <see cref="AddressText"/>). A bare IPv6 address
    /// is aggregated to /<paramref name="v6Prefix"/>; a written prefix is kept as written. Host bits set below
    /// the prefix (<c>198.18.0.7/24</c>) are an error: the user probably meant something else.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out BanTarget target, int v6Prefix = DefaultV6Prefix)
    {
        target = default;
        text = text.Trim();
        int slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        // Zones and the IPv4-mapped form are accepted (allowlists and protected addresses are written so); a mapped
        // network's prefix counts the 96 mapping bits, so ::ffff:198.18.0.0/120 is 198.18.0.0/24.
        if (!AddressText.TryParse(addressText, out var address, out bool mapped))
        {
            return false;
        }
        if (slash < 0)
        {
            if (!address.IsV4 && v6Prefix is < 0 or > 128)
            {
                return false;
            }
            target = For(address, v6Prefix);
            return true;
        }
        var lengthText = text[(slash + 1)..];
        if (lengthText.IsEmpty || lengthText.Length > 3 ||
            !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out int length) ||
            (mapped && (length < 96 || length > 128)))
        {
            return false;
        }
        if (mapped)
        {
            length -= 96;
        }
        if (length > (address.IsV4 ? 32 : 128))
        {
            return false;
        }
        if (address.Prefix(length) != address)
        {
            return false;
        }
        target = new BanTarget(address, length);
        return true;
    }

    public static BanTarget Parse(string text, int v6Prefix = DefaultV6Prefix)
        => TryParse(text, out var t, v6Prefix) ? t : throw new FormatException($"'{text}' is not an address or CIDR network");

    /// <summary>CIDR text; a host is printed without its /32 or /128.</summary>
    public override string ToString()
        => IsHost ? Network.ToString() : string.Create(CultureInfo.InvariantCulture, $"{Network}/{PrefixLength}");

    /// <summary>The longest <see cref="TryFormatUtf8"/> output: an IPv6 address in its longest form and "/128".</summary>
    public const int MaxUtf8Length = 45 + 4;

    /// <summary>
    /// The text of <see cref="ToString"/> as UTF-8, without allocating (IPv4 written digit by digit): the store writes one
    /// per decision, and a 100,000-ban import spent an address object and a string per row on it (issue 17).
    /// False only when <paramref name="destination"/> is shorter than the text (<see cref="MaxUtf8Length"/> always fits).
    /// </summary>
    public bool TryFormatUtf8(Span<byte> destination, out int written)
    {
        written = 0;
        if (IsV4)
        {
            uint v4 = Network.V4;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                if (!Utf8Formatter.TryFormat((v4 >> shift) & 0xFF, destination[written..], out int n))
                {
                    return false;
                }
                written += n;
                if (shift > 0)
                {
                    if (written >= destination.Length)
                    {
                        return false;
                    }
                    destination[written++] = (byte)'.';
                }
            }
        }
        else if (!Network.ToIPAddress().TryFormat(destination, out written))
        {
            return false;
        }
        if (IsHost)
        {
            return true;
        }
        if (written >= destination.Length)
        {
            return false;
        }
        destination[written++] = (byte)'/';
        if (!Utf8Formatter.TryFormat(PrefixLength, destination[written..], out int p))
        {
            return false;
        }
        written += p;
        return true;
    }

    public int CompareTo(BanTarget other)
    {
        int c = Network.CompareTo(other.Network);
        return c != 0 ? c : PrefixLength.CompareTo(other.PrefixLength);
    }
}
