using System.Globalization;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// The line the kernel prints after a martian source report: the link-layer header of the packet, as
/// <c>print_hex_dump(KERN_WARNING, "ll header: ", DUMP_PREFIX_OFFSET, 16, 1, …)</c> writes it in ip_handle_martian_source()
/// (net/ipv4/route.c): <c>ll header: 00000000: ff ff ff ff ff ff 52 54 00 6b 26 e2 08 06</c>. On Ethernet that is the
/// destination MAC, the SOURCE MAC (the neighbour that handed the packet over, often a router) and the EtherType. It is
/// no event of its own; <c>explain</c> says what it holds.
/// </summary>
public sealed record MartianLinkHeader(string DestinationMac, string SourceMac, ushort EtherType)
{
    /// <summary>Reads an Ethernet <c>ll header:</c> line (14 bytes); false for anything else, never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, out MartianLinkHeader? header)
    {
        header = null;
        var s = message;
        if (!Tokens.TrySkip(ref s, "ll header: "u8))
        {
            return false;
        }
        // DUMP_PREFIX_OFFSET: the offset in 8 hex digits and ": " before the bytes.
        if (s.Length > 10 && s[8] == (byte)':' && s[9] == (byte)' ')
        {
            s = s[10..];
        }
        Span<byte> bytes = stackalloc byte[14];
        int n = 0;
        while (!s.IsEmpty && n < bytes.Length)
        {
            if (s.Length < 2 || !AsciiNumber.TryParseHex(s[..2], out ulong b))
            {
                return false;
            }
            bytes[n++] = (byte)b;
            s = s.Length > 2 && s[2] == (byte)' ' ? s[3..] : s[2..];
        }
        if (n != 14 || !Tokens.Trim(s).IsEmpty)
        {
            return false;
        }
        header = new MartianLinkHeader(Mac(bytes[..6]), Mac(bytes[6..12]), (ushort)((bytes[12] << 8) | bytes[13]));
        return true;
    }

    /// <summary>The EtherType's name when it is a common one (IPv4, ARP, IPv6, 802.1Q).</summary>
    public string? EtherTypeName => EtherType switch
    {
        0x0800 => "IPv4",
        0x0806 => "ARP",
        0x86DD => "IPv6",
        0x8100 => "802.1Q VLAN",
        _ => null,
    };

    private static string Mac(ReadOnlySpan<byte> b)
        => string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
}
