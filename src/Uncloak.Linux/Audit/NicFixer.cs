using Uncloak.Core.Audit;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Audit;

/// <summary>
/// Applies --nic changes through SIOCETHTOOL (the same calls `ethtool -A` and `ethtool -s … autoneg on` make).
/// Renegotiation drops the link for a few seconds: callers print the equivalent command and confirm first.
/// </summary>
public static class NicFixer
{
    /// <summary>Applies one change. Returns null on success, or what went wrong (the driver's errno in words).</summary>
    public static string? Apply(NicChange change)
    {
        using var socket = Libc.DatagramSocket();
        int errno;
        switch (change.Action)
        {
            case NicAction.DisablePause:
                errno = Ethtool.SetPauseParameters(socket, change.Interface, autoneg: false, rx: false, tx: false);
                break;
            case NicAction.EnableAutoneg:
                if (Ethtool.LinkSettings(socket, change.Interface, out errno) is not { } settings)
                {
                    break;
                }
                int nwords = (sbyte)settings[15];
                settings[11] = 1; // autoneg = AUTONEG_ENABLE
                // Advertise every supported mode, as `ethtool -s IF autoneg on` does: copy map_supported into map_advertising.
                settings.AsSpan(Ethtool.LinkSettingsHeader, nwords * 4).CopyTo(settings.AsSpan(Ethtool.LinkSettingsHeader + nwords * 4, nwords * 4));
                // As ethtool(8) does: lp_advertising is read-only, and the ioctl path refuses any master/slave setting (EINVAL).
                settings.AsSpan(Ethtool.LinkSettingsHeader + 2 * nwords * 4, nwords * 4).Clear();
                settings[17] = 0; // master_slave_cfg
                settings[18] = 0; // master_slave_state
                errno = Ethtool.SetLinkSettings(socket, change.Interface, settings);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change));
        }
        return errno switch
        {
            0 => null,
            // The driver has no setter for this (veth, most virtual NICs): nothing was changed.
            Libc.EOPNOTSUPP => $"{change.Interface}: the driver does not support this change (EOPNOTSUPP); nothing was changed.",
            // Changing link settings needs CAP_NET_ADMIN.
            Libc.EPERM => $"{change.Interface}: permission denied (needs root / CAP_NET_ADMIN).",
            Libc.ENODEV => $"{change.Interface}: no such interface.",
            _ => $"{change.Interface}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).",
        };
    }
}
