using System.Globalization;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary><c>tcp_parse_options: Illegal window scaling value N &gt; 14 received</c> (see <see cref="WindowScaleMessage"/>).</summary>
public sealed class IllegalWindowScaleFamily : MessageFamily
{
    public override EventKind Kind => EventKind.IllegalWindowScale;

    public override string Name => "illegal_window_scale";

    public override IReadOnlyList<string> Anchors { get; } = [WindowScaleMessage.Anchor];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(WindowScaleMessage.Modern, "modern"), (WindowScaleMessage.Legacy, "legacy")];

    public override Explanation Explanation => WindowScaleMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => WindowScaleMessage.TryParse(message, anchor, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        base.WriteFields(ev, fields);
        fields["value"] = ev.Count;
    }

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
        => fields.Add(new("value", ev.Count.ToString(CultureInfo.InvariantCulture),
            "the window scale shift the peer asked for; the kernel used 14, the most RFC 7323 allows"));
}
