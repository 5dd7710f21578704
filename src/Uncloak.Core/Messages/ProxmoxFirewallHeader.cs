using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// The header Proxmox VE's pvefw-logger writes before the fields of a packet it received over NFLOG:
/// <c>VMID LOGLEVEL CHAIN dd/Mon/yyyy:HH:MM:SS ±zzzz PREFIX</c> (<c>101 6 tap101i0-IN 02/Mar/2021:19:40:07 +0100 ACCEPT: </c>),
/// then <c>IN=</c>, <c>OUT=</c>, <c>PHYSIN=</c>, <c>PHYSOUT=</c> only for the devices the packet has (an incoming packet has
/// no <c>OUT=</c>) and the kernel LOG target's fields. Its time is the logger's, which the line's own framing already
/// gives; the rule is the chain and the prefix.
/// </summary>
internal static class ProxmoxFirewallHeader
{
    /// <summary>
    /// Splits a pvefw-logger header into its chain and the rule's prefix (either may be empty); false when the text is
    /// not one (any other LOG prefix).
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> chain, out ReadOnlySpan<byte> prefix)
    {
        chain = prefix = default;
        if (text.IsEmpty || (uint)(text[0] - '0') > 9 || !Number(ref text) || !Number(ref text))
        {
            return false;
        }
        int sp = text.IndexOf((byte)' ');
        if (sp <= 0)
        {
            return false;
        }
        var name = text[..sp];
        text = text[(sp + 1)..];
        // "02/Mar/2021:19:40:07 +0100 ": strftime("%d/%b/%Y:%H:%M:%S %z ").
        if (text.Length < 26 || text[2] != '/' || text[6] != '/' || text[11] != ':' || text[14] != ':' || text[17] != ':'
            || text[20] != ' ' || (text[21] != '+' && text[21] != '-') || !Digits(text.Slice(22, 4)) || (text.Length > 26 && text[26] != ' '))
        {
            return false;
        }
        chain = name;
        prefix = Tokens.Trim(text[Math.Min(26, text.Length)..]);
        return true;
    }

    private static bool Number(ref ReadOnlySpan<byte> text)
    {
        int sp = text.IndexOf((byte)' ');
        if (sp <= 0 || !Digits(text[..sp]))
        {
            return false;
        }
        text = text[(sp + 1)..];
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }
        }
        return !s.IsEmpty;
    }
}
