using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class TreasonMessage
{
    /// <summary>
    /// The kernel's text for a parsed shrunk-window event, in the form it was printed. The store keeps no text for
    /// these rows (there are hundreds of thousands, and every byte of the text is in the fields); readers rebuild it.
    /// </summary>
    public static string Text(in NetEvent ev)
    {
        var peer = ev.Peer.ToString();
        var inv = CultureInfo.InvariantCulture;
        return (TreasonForm)ev.Form switch
        {
            TreasonForm.TreasonUncloaked => string.Create(inv, $"TCP: Treason uncloaked! Peer {peer}:{ev.PeerPort}/{ev.LocalPort} shrinks window {ev.SeqFrom}:{ev.SeqTo}. Repaired."),
            TreasonForm.ShrinksWindowDebug => string.Create(inv, $"TCP: peer {peer}:{ev.PeerPort}/{ev.LocalPort} shrinks window {ev.SeqFrom}:0:{ev.SeqTo}. Bad, what else can I say?"),
            TreasonForm.UnexpectedlyShrunk => string.Create(inv, $"Peer {peer}:{ev.PeerPort}/{ev.LocalPort} unexpectedly shrunk window {ev.SeqFrom}:{ev.SeqTo} (repaired)"),
            _ => string.Create(inv, $"Probing zero-window on {peer}:{ev.PeerPort}/{ev.LocalPort}, seq={ev.SeqFrom}:{ev.SeqTo}, recv {ev.Millis}ms ago, lasting {ev.Millis2}ms"),
        };
    }
}
