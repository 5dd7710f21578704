using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>The names scenarios use for an event's form (the family's own variant).</summary>
public static class FormNames
{
    private static readonly (EventKind Kind, byte Form, string Name)[] Table =
    [
        (EventKind.Treason, (byte)TreasonForm.TreasonUncloaked, "treason_uncloaked"),
        (EventKind.Treason, (byte)TreasonForm.ShrinksWindowDebug, "shrinks_window_debug"),
        (EventKind.Treason, (byte)TreasonForm.UnexpectedlyShrunk, "unexpectedly_shrunk"),
        (EventKind.Treason, (byte)TreasonForm.ProbingZeroWindow, "probing_zero_window"),
        (EventKind.ZeroWindowHold, 0, "peer_not_reading"),
        (EventKind.ZeroWindowHold, 1, "window_shrunk"),
        (EventKind.SynFlood, (byte)SynFloodAction.SendingCookies, "cookies"),
        (EventKind.SynFlood, (byte)SynFloodAction.DroppingRequest, "drop"),
        (EventKind.OddPacket, (byte)OddPacketForm.BadFlags, "bad_flags"),
        (EventKind.OddPacket, (byte)OddPacketForm.BogonSource, "bogon_source"),
        (EventKind.OddPacket, (byte)OddPacketForm.Land, "land"),
        (EventKind.OddPacket, (byte)OddPacketForm.UnknownEthertype, "unknown_ethertype"),
        (EventKind.OddPacket, (byte)OddPacketForm.Malformed, "malformed"),
        (EventKind.OddPacket, (byte)OddPacketForm.PortZero, "port_zero"),
    ];

    /// <summary>Finds the form called <paramref name="name"/> among <paramref name="kinds"/>.</summary>
    public static bool TryParse(IEnumerable<EventKind> kinds, string name, out (EventKind Kind, byte Form) form)
    {
        foreach (var kind in kinds)
        {
            foreach (var (k, f, n) in Table)
            {
                if (k == kind && string.Equals(n, name, StringComparison.Ordinal))
                {
                    form = (k, f);
                    return true;
                }
            }
        }
        form = default;
        return false;
    }

    /// <summary>Every form name of the given kinds, for error messages.</summary>
    public static IEnumerable<string> For(IEnumerable<EventKind> kinds)
        => Table.Where(t => kinds.Contains(t.Kind)).Select(t => t.Name);

    public static string Name(EventKind kind, byte form)
        => Table.FirstOrDefault(t => t.Kind == kind && t.Form == form).Name ?? form.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
