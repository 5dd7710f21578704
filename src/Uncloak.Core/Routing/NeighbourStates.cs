namespace Uncloak.Core.Routing;

/// <summary>The NUD state bits of <c>linux/neighbour.h</c> and the names <c>ip neigh</c> gives them.</summary>
public static class NeighbourStates
{
#pragma warning disable CA1707 // kernel constant names verbatim
    public const ushort NUD_NONE = 0x00;
    public const ushort NUD_INCOMPLETE = 0x01;
    public const ushort NUD_REACHABLE = 0x02;
    public const ushort NUD_STALE = 0x04;
    public const ushort NUD_DELAY = 0x08;
    public const ushort NUD_PROBE = 0x10;
    public const ushort NUD_FAILED = 0x20;
    public const ushort NUD_NOARP = 0x40;
    public const ushort NUD_PERMANENT = 0x80;
#pragma warning restore CA1707

    /// <summary>The name of <paramref name="state"/>; the kernel sets one bit at a time, so the lowest set bit names it.</summary>
    public static string Name(ushort state) => (state & -state) switch
    {
        NUD_INCOMPLETE => "INCOMPLETE",
        NUD_REACHABLE => "REACHABLE",
        NUD_STALE => "STALE",
        NUD_DELAY => "DELAY",
        NUD_PROBE => "PROBE",
        NUD_FAILED => "FAILED",
        NUD_NOARP => "NOARP",
        NUD_PERMANENT => "PERMANENT",
        _ => "NONE",
    };
}
