using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>An address with a prefix length (<c>198.18.0.0/15</c>, <c>2001:2::/48</c>); a bare address is a /32 or /128.</summary>
public readonly record struct PeerPrefix(NetAddress Network, int Bits)
{
    public static PeerPrefix Single(NetAddress address) => new(address, address.IsV4 ? 32 : 128);

    public bool Contains(NetAddress address)
        => !address.IsNone && address.IsV4 == Network.IsV4 && address.Prefix(Bits) == Network;

    public static bool TryParse(string text, out PeerPrefix prefix)
    {
        prefix = default;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        // Brackets, zones and IPv4-mapped forms as in every place a protected address is read (AddressText).
        if (!AddressText.TryParse(addressText, out var address, out bool mapped))
        {
            return false;
        }
        int max = address.IsV4 ? 32 : 128;
        int bits = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bits) ||
            (mapped && bits < 96) || bits - (mapped ? 96 : 0) > max))
        {
            return false;
        }
        if (mapped && slash >= 0)
        {
            bits -= 96;
        }
        prefix = new PeerPrefix(address.Prefix(bits), bits);
        return true;
    }

    public override string ToString() => $"{Network}/{Bits}";
}
