namespace Uncloak.Core.Events;

/// <summary>Why a packet on the wire is odd (the <c>Form</c> of an <see cref="EventKind.OddPacket"/> event).</summary>
public enum OddPacketForm : byte
{
    /// <summary>A TCP flag combination no stack sends: none at all, SYN+FIN, SYN+RST, FIN/PSH/URG without ACK (scans, Xmas).</summary>
    BadFlags = 0,

    /// <summary>A source address that cannot send: 0.0.0.0/8, 127/8, multicast, 240/4, ::, ::1, ff00::/8.</summary>
    BogonSource = 1,

    /// <summary>Source and destination the same address and port (LAND).</summary>
    Land = 2,

    /// <summary>An Ethernet frame of a type a server segment does not carry.</summary>
    UnknownEthertype = 3,

    /// <summary>Headers that contradict themselves or end before they should.</summary>
    Malformed = 4,

    /// <summary>Port 0 as source or destination.</summary>
    PortZero = 5,
}

/// <summary>The stable names of <see cref="OddPacketForm"/> values.</summary>
public static class OddPacketForms
{
    public static string Name(OddPacketForm form) => form switch
    {
        OddPacketForm.BadFlags => "bad_flags",
        OddPacketForm.BogonSource => "bogon_source",
        OddPacketForm.Land => "land",
        OddPacketForm.UnknownEthertype => "unknown_ethertype",
        OddPacketForm.Malformed => "malformed",
        _ => "port_zero",
    };
}
