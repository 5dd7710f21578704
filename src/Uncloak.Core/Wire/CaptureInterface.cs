namespace Uncloak.Core.Wire;

/// <summary>
/// One pcapng interface description: link type, snapshot length and how its timestamps count. <paramref name="Resolution"/>
/// is if_tsresol as stored: high bit clear means units of 10^-n seconds, set means 2^-n; <paramref name="OffsetSeconds"/>
/// is if_tsoffset.
/// </summary>
internal readonly record struct CaptureInterface(LinkType LinkType, uint SnapLength, byte Resolution, long OffsetSeconds)
{
    private static readonly long MaxUnixTicks = DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks;

    /// <summary>UTC ticks of a timestamp in this interface's units; 0 when it is out of <see cref="DateTime"/>'s range.</summary>
    public long ToTicks(ulong timestamp)
    {
        int n = Resolution & 0x7F;
        UInt128 ticks;
        if ((Resolution & 0x80) != 0)
        {
            ticks = n > 100 ? 0 : ((UInt128)timestamp * 10_000_000) >> n;
        }
        else if (n <= 7)
        {
            ticks = (UInt128)timestamp * Pow10(7 - n);
        }
        else
        {
            ticks = n > 26 ? 0 : timestamp / Pow10(n - 7);
        }
        // if_tsoffset is signed (a capture from before 1970 is representable); a result outside DateTime counts as no time.
        Int128 withOffset = (Int128)ticks + (Int128)OffsetSeconds * TimeSpan.TicksPerSecond;
        return withOffset < 0 || withOffset > MaxUnixTicks ? 0 : DateTime.UnixEpoch.Ticks + (long)withOffset;
    }

    private static UInt128 Pow10(int n)
    {
        UInt128 p = 1;
        for (int i = 0; i < n; i++)
        {
            p *= 10;
        }
        return p;
    }
}
