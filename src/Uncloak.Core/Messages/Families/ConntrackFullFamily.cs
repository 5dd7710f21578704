using System.Globalization;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>Connection-tracking table full (see <see cref="ConntrackFullMessage"/>).</summary>
public sealed class ConntrackFullFamily : MessageFamily
{
    public override EventKind Kind => EventKind.ConntrackFull;

    public override string Name => "conntrack_full";

    public override IReadOnlyList<string> Anchors { get; } = ["conntrack: table full", "conntrack: VPS "];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [(ConntrackFullMessage.NfConntrack, "nf_conntrack"), (ConntrackFullMessage.IpConntrack, "ip_conntrack"), (ConntrackFullMessage.OpenVzContainer, "openvz")];

    public override Explanation Explanation => ConntrackFullMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => ConntrackFullMessage.TryParse(message, anchor, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        base.WriteFields(ev, fields);
        if (ev.Form == ConntrackFullMessage.OpenVzContainer)
        {
            fields["container"] = ev.Count;
        }
        else if (ev.Count != 0)
        {
            fields["netns"] = ev.Count;
        }
    }

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        fields.Add(new("module", ev.Form == ConntrackFullMessage.OpenVzContainer ? "ip_conntrack (OpenVZ)" : FormName(ev.Form) ?? "nf_conntrack"));
        if (ev.Form == ConntrackFullMessage.OpenVzContainer)
        {
            fields.Add(new("container", ev.Count.ToString(CultureInfo.InvariantCulture), "OpenVZ container (VPS) whose table is full"));
        }
        else if (ev.Count != 0)
        {
            fields.Add(new("netns", ev.Count.ToString(CultureInfo.InvariantCulture), "inode of the network namespace whose table is full"));
        }
    }

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
        => history.AddDisruption(time, TimeSpan.FromMinutes(1), "conntrack full");
}
