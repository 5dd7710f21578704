using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>Martian source and destination packets (see <see cref="MartianMessage"/>).</summary>
public sealed class MartianFamily : MessageFamily
{
    public override EventKind Kind => EventKind.Martian;

    public override string Name => "martian";

    public override IReadOnlyList<string> Anchors { get; } = ["martian source ", "martian destination "];

    /// <summary>Both wordings share one prefix.</summary>
    public override IReadOnlyList<string> SearchPrefixes { get; } = ["martian "];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(MartianMessage.Source, "source"), (MartianMessage.Destination, "destination")];

    public override Explanation Explanation => MartianMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => MartianMessage.TryParse(message, anchor, pool, out ev);

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        fields.Add(new("bad source", ev.Peer.ToString(), ev.Form == MartianMessage.Source ? "the impossible (martian) source address — printed SECOND in the line" : "the sender"));
        fields.Add(new("destination", ev.Local.ToString(), "the packet's destination — printed FIRST in the line"));
        if (ev.Interface is not null)
        {
            fields.Add(new("interface", ev.Interface));
        }
    }
}
