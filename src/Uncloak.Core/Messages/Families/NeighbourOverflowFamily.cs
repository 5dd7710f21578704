using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary><c>arp_cache: neighbor table overflow!</c> and its IPv6 and legacy forms (see <see cref="NeighbourOverflowMessage"/>).</summary>
public sealed class NeighbourOverflowFamily : MessageFamily
{
    public override EventKind Kind => EventKind.NeighbourOverflow;

    public override string Name => "neighbour_overflow";

    public override IReadOnlyList<string> Anchors { get; } = ["neighbor table overflow", "Neighbour table overflow"];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(NeighbourOverflowMessage.Arp, "arp"), (NeighbourOverflowMessage.Ndisc, "ndisc"), (NeighbourOverflowMessage.Legacy, "legacy")];

    public override Explanation Explanation => NeighbourOverflowMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => NeighbourOverflowMessage.TryParse(message, anchor, out ev);

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
        => fields.Add(new("table", ev.Form switch
        {
            NeighbourOverflowMessage.Ndisc => "ndisc_cache (IPv6)",
            NeighbourOverflowMessage.Arp => "arp_cache (IPv4)",
            _ => "neighbour table",
        }));

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
        => history.AddDisruption(time, TimeSpan.FromMinutes(1), "neighbour overflow");
}
