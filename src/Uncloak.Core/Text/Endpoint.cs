using Uncloak.Core.Events;

namespace Uncloak.Core.Text;

/// <summary>Reads the kernel's <c>%pI4:%u</c> / <c>%pI6:%u</c> / <c>[%pI6c]:%u</c> endpoint prints.</summary>
internal static class Endpoint
{
    /// <summary>
    /// Splits <c>ADDRESS:PORT</c> at the last colon, so the uncompressed IPv6 form (which is full of
    /// colons and has no brackets) works; brackets are accepted too.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out NetAddress address, out ushort port)
    {
        address = default;
        port = 0;
        int colon = text.LastIndexOf((byte)':');
        if (colon <= 0 || !AsciiNumber.TryParseUInt16(text[(colon + 1)..], out port))
        {
            return false;
        }
        var host = text[..colon];
        if (host.Length >= 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }
        return NetAddress.TryParse(host, out address);
    }
}
