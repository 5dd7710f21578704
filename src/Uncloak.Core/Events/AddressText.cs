namespace Uncloak.Core.Events;

/// <summary>
/// An address as people and tools write it where a protected address is read (SSH_CONNECTION, allowlists, --allow):
/// brackets (<c>[2001:2::1]</c>), an IPv6 zone (<c>fe80::99%w0</c>, which OpenSSH writes for link-local clients) and
/// the IPv4-mapped form (<c>::ffff:198.18.0.5</c>, an IPv4 client of a dual-stack socket). The zone names the link the
/// address is valid on; a ban or an allowlist covers the address on every link, so it is dropped (issue 17, item 2:
/// with the zone the SSH client was not recognised and could be banned).
/// </summary>
public static class AddressText
{
    /// <summary>Longest zone: an interface name (IFNAMSIZ - 1) or a decimal index.</summary>
    private const int MaxZone = 15;

    /// <summary>
    /// Parses one address. <paramref name="mapped"/> is true when it was written IPv4-mapped (then
    /// <paramref name="address"/> is the IPv4 address, as everywhere in Uncloak). False on anything else, zone on an
    /// IPv4 address or an empty or over-long zone included.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NetAddress address, out bool mapped)
    {
        address = default;
        mapped = false;
        text = text.Trim();
        if (text.Length > 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }
        int percent = text.IndexOf('%');
        if (percent >= 0)
        {
            int zone = text.Length - percent - 1;
            if (zone is < 1 or > MaxZone || text[(percent + 1)..].ContainsAny('%', '/') || !text[..percent].Contains(':'))
            {
                return false;
            }
            text = text[..percent];
        }
        if (!NetAddress.TryParse(text.ToString(), out address))
        {
            return false;
        }
        mapped = address.IsV4 && text.Contains(':');
        return true;
    }

    /// <summary><see cref="TryParse(ReadOnlySpan{char}, out NetAddress, out bool)"/> without the mapped flag.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NetAddress address) => TryParse(text, out address, out _);
}
