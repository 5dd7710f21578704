using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>2.6-era <c>drop open request from ADDR/PORT</c> (see <see cref="DropOpenRequestMessage"/>).</summary>
public sealed class DropOpenRequestFamily : MessageFamily
{
    public override EventKind Kind => EventKind.DropOpenRequest;

    public override string Name => "drop_open_request";

    public override IReadOnlyList<string> Anchors { get; } = ["drop open request from "];

    public override Explanation Explanation => DropOpenRequestMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => DropOpenRequestMessage.TryParse(message, anchor, out ev);

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
        => fields.Add(new("client", EventDescription.Format(ev.Peer, ev.PeerPort), "the remote client whose SYN was dropped"));
}
