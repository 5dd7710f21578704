using System.Runtime.InteropServices;
using System.Text;

namespace Uncloak.Linux.Interop;

/// <summary>
/// The SIOCETHTOOL ioctl (include/uapi/linux/ethtool.h): driver info, link settings, pause parameters and NIC
/// statistics, and the two setters --nic uses. Buffers are laid out by hand, byte offsets from the uapi structs,
/// so nothing depends on the managed struct layout.
/// </summary>
internal static unsafe partial class Ethtool
{
    internal const uint SIOCETHTOOL = 0x8946;

    internal const uint ETHTOOL_GSET = 0x00000001;
    internal const uint ETHTOOL_GDRVINFO = 0x00000003;
    internal const uint ETHTOOL_GPAUSEPARAM = 0x00000012;
    internal const uint ETHTOOL_SPAUSEPARAM = 0x00000013;
    internal const uint ETHTOOL_GSTRINGS = 0x0000001b;
    internal const uint ETHTOOL_GSTATS = 0x0000001d;
    internal const uint ETHTOOL_GLINKSETTINGS = 0x0000004c;
    internal const uint ETHTOOL_SLINKSETTINGS = 0x0000004d;

    internal const uint ETH_SS_STATS = 1;
    internal const int ETH_GSTRING_LEN = 32;
    internal const int IFNAMSIZ = 16;
    internal const byte DUPLEX_HALF = 0x00;
    internal const byte DUPLEX_FULL = 0x01;
    internal const uint SPEED_UNKNOWN = 0xFFFFFFFF;

    /// <summary>sizeof(struct ifreq) on LP64: 16-byte name and a 24-byte union whose first member is ifr_data.</summary>
    private const int IfreqSize = 40;

    /// <summary>sizeof(struct ethtool_link_settings) without the trailing link_mode_masks.</summary>
    internal const int LinkSettingsHeader = 48;

    /// <summary>sizeof(struct ethtool_drvinfo).</summary>
    internal const int DrvinfoSize = 196;

    /// <summary>sizeof(struct ethtool_cmd), the deprecated GSET answer.</summary>
    internal const int CmdSize = 44;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, void* argp);

    /// <summary>Issues SIOCETHTOOL for the interface with <paramref name="data"/> as ifr_data. Returns 0 or the errno.</summary>
    internal static int Call(FileDescriptor socket, string interfaceName, Span<byte> data)
    {
        Span<byte> ifreq = stackalloc byte[IfreqSize];
        ifreq.Clear();
        int n = Encoding.ASCII.GetBytes(interfaceName.AsSpan(0, Math.Min(interfaceName.Length, IFNAMSIZ - 1)), ifreq);
        ifreq[n] = 0;
        fixed (byte* d = data)
        fixed (byte* r = ifreq)
        {
            *(void**)(r + IFNAMSIZ) = d;
            bool added = false;
            socket.DangerousAddRef(ref added);
            try
            {
                return Ioctl(socket.Fd, SIOCETHTOOL, r) == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            finally
            {
                if (added)
                {
                    socket.DangerousRelease();
                }
            }
        }
    }

    /// <summary>ETHTOOL_GDRVINFO: driver name and the number of NIC statistics. Null when the driver does not answer.</summary>
    internal static (string Driver, int StatCount)? DriverInfo(FileDescriptor socket, string name, out int errno)
    {
        Span<byte> buf = stackalloc byte[DrvinfoSize];
        buf.Clear();
        MemoryMarshal.Write(buf, ETHTOOL_GDRVINFO);
        errno = Call(socket, name, buf);
        if (errno != 0)
        {
            return null;
        }
        var driver = CString(buf.Slice(4, 32));
        int nStats = (int)MemoryMarshal.Read<uint>(buf.Slice(180, 4));
        return (driver, nStats);
    }

    /// <summary>
    /// ETHTOOL_GLINKSETTINGS with its two-step handshake: the first call (nwords 0) makes the kernel answer with
    /// -nwords; the second fetches the supported/advertising/lp_advertising masks. Returns the whole buffer, or null with errno.
    /// </summary>
    internal static byte[]? LinkSettings(FileDescriptor socket, string name, out int errno)
    {
        var buf = new byte[LinkSettingsHeader + 3 * 127 * 4];
        MemoryMarshal.Write(buf.AsSpan(0, 4), ETHTOOL_GLINKSETTINGS);
        errno = Call(socket, name, buf);
        if (errno != 0)
        {
            return null;
        }
        sbyte nwords = (sbyte)buf[15]; // link_mode_masks_nwords
        if (nwords >= 0)
        {
            // The handshake must answer negative; anything else is a kernel that does not implement it properly.
            errno = Libc.EOPNOTSUPP;
            return null;
        }
        Array.Clear(buf);
        MemoryMarshal.Write(buf.AsSpan(0, 4), ETHTOOL_GLINKSETTINGS);
        buf[15] = (byte)(sbyte)(-nwords);
        errno = Call(socket, name, buf);
        return errno == 0 ? buf : null;
    }

    /// <summary>ETHTOOL_SLINKSETTINGS with a buffer previously returned by <see cref="LinkSettings"/> and edited.</summary>
    internal static int SetLinkSettings(FileDescriptor socket, string name, byte[] settings)
    {
        MemoryMarshal.Write(settings.AsSpan(0, 4), ETHTOOL_SLINKSETTINGS);
        return Call(socket, name, settings);
    }

    /// <summary>ETHTOOL_GSET (deprecated, 32-bit masks) for drivers without link-settings support.</summary>
    internal static byte[]? LegacySettings(FileDescriptor socket, string name, out int errno)
    {
        var buf = new byte[CmdSize];
        MemoryMarshal.Write(buf.AsSpan(0, 4), ETHTOOL_GSET);
        errno = Call(socket, name, buf);
        return errno == 0 ? buf : null;
    }

    /// <summary>ETHTOOL_GPAUSEPARAM: (autoneg, rx_pause, tx_pause), or null with errno.</summary>
    internal static (bool Autoneg, bool Rx, bool Tx)? PauseParameters(FileDescriptor socket, string name, out int errno)
    {
        Span<byte> buf = stackalloc byte[16];
        buf.Clear();
        MemoryMarshal.Write(buf, ETHTOOL_GPAUSEPARAM);
        errno = Call(socket, name, buf);
        if (errno != 0)
        {
            return null;
        }
        return (MemoryMarshal.Read<uint>(buf[4..]) != 0, MemoryMarshal.Read<uint>(buf[8..]) != 0, MemoryMarshal.Read<uint>(buf[12..]) != 0);
    }

    /// <summary>ETHTOOL_SPAUSEPARAM. Returns 0 or the errno.</summary>
    internal static int SetPauseParameters(FileDescriptor socket, string name, bool autoneg, bool rx, bool tx)
    {
        Span<byte> buf = stackalloc byte[16];
        MemoryMarshal.Write(buf, ETHTOOL_SPAUSEPARAM);
        MemoryMarshal.Write(buf[4..], autoneg ? 1u : 0u);
        MemoryMarshal.Write(buf[8..], rx ? 1u : 0u);
        MemoryMarshal.Write(buf[12..], tx ? 1u : 0u);
        return Call(socket, name, buf);
    }

    /// <summary>ETHTOOL_GSTRINGS(ETH_SS_STATS) then ETHTOOL_GSTATS: the driver's statistics by name, or null with errno.</summary>
    internal static Dictionary<string, long>? Statistics(FileDescriptor socket, string name, int count, out int errno)
    {
        errno = 0;
        if (count <= 0)
        {
            return new Dictionary<string, long>(StringComparer.Ordinal);
        }
        var strings = new byte[12 + count * ETH_GSTRING_LEN];
        MemoryMarshal.Write(strings.AsSpan(0, 4), ETHTOOL_GSTRINGS);
        MemoryMarshal.Write(strings.AsSpan(4, 4), ETH_SS_STATS);
        MemoryMarshal.Write(strings.AsSpan(8, 4), (uint)count);
        errno = Call(socket, name, strings);
        if (errno != 0)
        {
            return null;
        }
        var values = new byte[8 + count * 8];
        MemoryMarshal.Write(values.AsSpan(0, 4), ETHTOOL_GSTATS);
        MemoryMarshal.Write(values.AsSpan(4, 4), (uint)count);
        errno = Call(socket, name, values);
        if (errno != 0)
        {
            return null;
        }
        // The kernel writes back how many it filled; never read past either answer.
        int filled = Math.Min(count, (int)Math.Min(MemoryMarshal.Read<uint>(strings.AsSpan(8, 4)), MemoryMarshal.Read<uint>(values.AsSpan(4, 4))));
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < filled; i++)
        {
            string key = CString(strings.AsSpan(12 + i * ETH_GSTRING_LEN, ETH_GSTRING_LEN));
            // Drivers repeat names (per-queue stats without a prefix); the first wins so results stay deterministic.
            result.TryAdd(key, (long)MemoryMarshal.Read<ulong>(values.AsSpan(8 + i * 8, 8)));
        }
        return result;
    }

    internal static string CString(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
