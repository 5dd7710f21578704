using System.Globalization;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>The shrunk-window condition in all of its texts (see <see cref="TreasonMessage"/>).</summary>
public sealed class TreasonFamily : MessageFamily
{
    public override EventKind Kind => EventKind.Treason;

    public override string Name => "treason";

    public override IReadOnlyList<string> Anchors { get; } =
    [
        "Treason uncloaked! Peer ",
        "shrinks window ",
        "unexpectedly shrunk window ",
        "Probing zero-window on ",
    ];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
        [.. Enum.GetValues<TreasonForm>().Select(f => ((byte)f, FormName(f)))];

    public override Explanation Explanation => TreasonMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => TreasonMessage.TryParse(message, anchor, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        base.WriteFields(ev, fields);
        fields["seq_from"] = (long)ev.SeqFrom;
        fields["seq_to"] = (long)ev.SeqTo;
        fields["bytes_in_flight"] = (long)ev.BytesInFlight;
        if ((TreasonForm)ev.Form == TreasonForm.ProbingZeroWindow)
        {
            fields["recv_ago_ms"] = (long)ev.Millis;
            fields["lasting_ms"] = (long)ev.Millis2;
        }
    }

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        var form = (TreasonForm)ev.Form;
        fields.Add(new("form", form switch
        {
            TreasonForm.TreasonUncloaked => "\"Treason uncloaked\" (kernels 2.2–2.6.2x)",
            TreasonForm.ShrinksWindowDebug => "2.4 TCP_DEBUG \"shrinks window\"",
            TreasonForm.UnexpectedlyShrunk => "\"unexpectedly shrunk window\" (2.6.2x–6.5)",
            _ => "\"Probing zero-window\" (≥6.6)",
        }));
        fields.Add(new("peer", EventDescription.Format(ev.Peer, ev.PeerPort), "the REMOTE end of the connection and its port"));
        fields.Add(new("local port", ev.LocalPort.ToString(CultureInfo.InvariantCulture), "this host's port"));
        fields.Add(new("direction", EventDescription.DirectionText(Analysis.ServicePorts.None.DirectionOf(ev.LocalPort, ev.PeerPort))));
        fields.Add(new("snd_una", ev.SeqFrom.ToString(CultureInfo.InvariantCulture), "oldest byte this host sent that is not yet acknowledged"));
        fields.Add(new("snd_nxt", ev.SeqTo.ToString(CultureInfo.InvariantCulture), "next byte this host will send"));
        uint inFlight = ev.BytesInFlight;
        fields.Add(new("bytes in flight", inFlight.ToString(CultureInfo.InvariantCulture),
            inFlight == 1 ? "one byte: an outstanding zero-window probe"
            : $"snd_nxt − snd_una: {inFlight} bytes were sent inside a window the peer then took back"));
        if (form == TreasonForm.ProbingZeroWindow)
        {
            fields.Add(new("last ACK received", $"{ev.Millis} ms ago"));
            fields.Add(new("stalled for", $"{ev.Millis2} ms", "since the first retransmission of this episode"));
        }
    }

    /// <summary>The name of a treason form in JSON, samples and scenarios.</summary>
    public static string FormName(TreasonForm form) => form switch
    {
        TreasonForm.TreasonUncloaked => "treason_uncloaked",
        TreasonForm.ShrinksWindowDebug => "shrinks_window_debug",
        TreasonForm.UnexpectedlyShrunk => "unexpectedly_shrunk",
        _ => "probing_zero_window",
    };
}
