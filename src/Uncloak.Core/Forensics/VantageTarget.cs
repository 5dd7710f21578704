using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Forensics;

/// <summary>
/// Something a vantage probe aims at: an address answered with an ICMP echo (<see cref="Port"/> 0), or an address and
/// port answered with a TCP connect. Literal addresses only: during an outage DNS may be the very thing that is broken.
/// </summary>
public readonly record struct VantageTarget(NetAddress Address, int Port)
{
    /// <summary>True for an ICMP echo target, false for a TCP connect.</summary>
    public bool IsIcmp => Port == 0;

    /// <summary>Reads <c>198.18.3.1</c>, <c>2001:2::1</c> (ICMP), <c>198.18.3.1:80</c> or <c>[2001:2::1]:80</c> (TCP).</summary>
    public static bool TryParse(string text, out VantageTarget target)
    {
        target = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        if (NetAddress.TryParse(text, out var plain))
        {
            target = new VantageTarget(plain, 0);
            return true;
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            return false;
        }
        var host = text.AsSpan(0, colon);
        bool bracketed = host.Length > 2 && host[0] == '[' && host[^1] == ']';
        if (bracketed)
        {
            host = host[1..^1];
        }
        if (!NetAddress.TryParse(host.ToString(), out var address) || address.IsV6 != bracketed)
        {
            return false; // an IPv6 address with a port must be bracketed, an IPv4 one must not
        }
        target = new VantageTarget(address, port);
        return true;
    }

    /// <summary>The text <see cref="TryParse"/> reads back, and the target column of the bundle's probe file.</summary>
    public override string ToString() => IsIcmp ? Address.ToString() : Address.IsV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
