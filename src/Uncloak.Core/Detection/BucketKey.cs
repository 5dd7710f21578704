using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>The group a bucket counts for: an address (peer or network) or a local port, or nothing (host-wide).</summary>
public readonly record struct BucketKey(NetAddress Address, int PrefixLength, ushort Port)
{
    public static BucketKey For(Scenario scenario, in NetEvent ev) => scenario.GroupBy switch
    {
        GroupBy.Peer => new BucketKey(ev.Peer, ev.Peer.IsV4 ? 32 : 128, 0),
        GroupBy.Network => ev.Peer.IsV4
            ? new BucketKey(ev.Peer.Prefix(scenario.V4Prefix), scenario.V4Prefix, 0)
            : new BucketKey(ev.Peer.Prefix(scenario.V6Prefix), scenario.V6Prefix, 0),
        GroupBy.LocalPort => new BucketKey(NetAddress.None, 0, ev.LocalPort),
        _ => default,
    };

    public bool HasAddress => !Address.IsNone;

    /// <summary><c>198.18.0.7</c>, <c>198.18.0.0/24</c>, <c>port 443</c> or <c>host</c>.</summary>
    public override string ToString()
    {
        if (HasAddress)
        {
            int max = Address.IsV4 ? 32 : 128;
            return PrefixLength >= max ? Address.ToString() : string.Create(CultureInfo.InvariantCulture, $"{Address}/{PrefixLength}");
        }
        return Port != 0 ? string.Create(CultureInfo.InvariantCulture, $"port {Port}") : "host";
    }
}
