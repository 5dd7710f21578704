using System.Runtime.InteropServices;
using Uncloak.Core.Audit;
using Uncloak.Core.Events;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Audit;

/// <summary>
/// Live ethtool data through SIOCETHTOOL, in the network namespace of the calling thread. Read-only queries need no
/// privilege; drivers answer only what they implement, and each unanswered part is left null or empty.
/// </summary>
public sealed class EthtoolIoctl : IEthtoolSource
{
    private static int? Speed(uint raw) => raw is 0 or Ethtool.SPEED_UNKNOWN or > int.MaxValue ? null : (int)raw;

    private static Duplex DuplexOf(byte raw) => raw switch { Ethtool.DUPLEX_FULL => Duplex.Full, Ethtool.DUPLEX_HALF => Duplex.Half, _ => Duplex.Unknown };

    public EthtoolState? Query(string interfaceName)
    {
        using var socket = Libc.DatagramSocket();
        var info = Ethtool.DriverInfo(socket, interfaceName, out int errno);
        if (info is null && errno == Libc.ENODEV)
        {
            return null; // The interface vanished between listing and asking.
        }
        // Any other GDRVINFO errno (EOPNOTSUPP on lo and some virtual devices) leaves the driver unknown; the other
        // questions below may still be answered.
        bool? autoneg = null;
        int? speed = null;
        var duplex = Duplex.Unknown;
        IReadOnlyList<string> supported = [], advertised = [], partner = [];
        if (Ethtool.LinkSettings(socket, interfaceName, out errno) is { } ls)
        {
            speed = Speed(MemoryMarshal.Read<uint>(ls.AsSpan(4, 4)));
            duplex = DuplexOf(ls[8]);
            autoneg = ls[11] != 0; // offset of autoneg in struct ethtool_link_settings
            int nwords = (sbyte)ls[15]; // link_mode_masks_nwords
            var masks = MemoryMarshal.Cast<byte, uint>(ls.AsSpan(Ethtool.LinkSettingsHeader, 3 * nwords * 4));
            supported = LinkModes.FromMask(masks[..nwords]);
            advertised = LinkModes.FromMask(masks.Slice(nwords, nwords));
            partner = LinkModes.FromMask(masks.Slice(2 * nwords, nwords));
        }
        // EOPNOTSUPP: no link settings in this driver; try the legacy form. Other errnos (ENODEV, EINVAL while the
        // link is down on some drivers) leave the link fields unknown, and the checks skip them.
        else if (errno == Libc.EOPNOTSUPP && Ethtool.LegacySettings(socket, interfaceName, out _) is { } cmd)
        {
            // Drivers that predate link settings (≈4.6) answer the 32-bit GSET form only.
            speed = Speed(MemoryMarshal.Read<ushort>(cmd.AsSpan(12, 2)) | ((uint)MemoryMarshal.Read<ushort>(cmd.AsSpan(28, 2)) << 16));
            duplex = DuplexOf(cmd[14]);
            autoneg = cmd[18] != 0;
            supported = LinkModes.FromMask([MemoryMarshal.Read<uint>(cmd.AsSpan(4, 4))]);
            advertised = LinkModes.FromMask([MemoryMarshal.Read<uint>(cmd.AsSpan(8, 4))]);
            partner = LinkModes.FromMask([MemoryMarshal.Read<uint>(cmd.AsSpan(32, 4))]);
        }
        // EOPNOTSUPP: no get_pauseparam in the driver (veth, virtio_net): pause frames simply do not exist there.
        var pause = Ethtool.PauseParameters(socket, interfaceName, out _) is { } p ? new PauseSettings(p.Autoneg, p.Rx, p.Tx) : null;
        // EOPNOTSUPP or EINVAL: a driver without statistics; an empty table is the truthful answer.
        var stats = info is { StatCount: > 0 } i ? Ethtool.Statistics(socket, interfaceName, i.StatCount, out _) : null;
        if (info is null && autoneg is null && pause is null)
        {
            return null;
        }
        return new EthtoolState
        {
            Driver = info?.Driver,
            SpeedMbps = speed,
            Duplex = duplex,
            Autoneg = autoneg,
            Supported = supported,
            Advertised = advertised,
            LinkPartner = partner,
            Pause = pause,
            Statistics = (IReadOnlyDictionary<string, long>?)stats ?? new Dictionary<string, long>(StringComparer.Ordinal),
        };
    }
}
