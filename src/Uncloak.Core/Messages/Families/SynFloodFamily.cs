using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary><c>Possible SYN flooding on port …</c> in every era (see <see cref="SynFloodMessage"/>).</summary>
public sealed class SynFloodFamily : MessageFamily
{
    public override EventKind Kind => EventKind.SynFlood;

    public override string Name => "syn_flood";

    public override IReadOnlyList<string> Anchors { get; } = ["ossible SYN flooding on port "];

    public override Explanation Explanation => SynFloodMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => SynFloodMessage.TryParse(message, anchor, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
        => fields["action"] = Cookies(ev) ? "cookies" : "drop";

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        fields.Add(new("listener", Listener(ev),
            ev.Local.IsNone ? "kernels before 6.2 print only the port" : "the listening socket's bound address"));
        fields.Add(new("action", Cookies(ev) ? "sending cookies" : "dropping requests",
            Cookies(ev)
                ? "tcp_syncookies is on: legitimate clients still get through"
                : "tcp_syncookies is OFF: legitimate clients are being refused"));
    }

    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
    {
        string key = Listener(ev);
        var (c, d) = history.SynFloodListeners.GetValueOrDefault(key);
        bool cookies = Cookies(ev);
        history.SynFloodListeners[key] = cookies ? (c + history.RunCount, d) : (c, d + history.RunCount);
        history.SynFloodListenerPorts.Add(ev.LocalPort);
        if (!cookies)
        {
            history.AddDisruption(time, TimeSpan.FromMinutes(5), "SYN flood with cookies off (SYNs dropped)");
        }
    }

    private static bool Cookies(in NetEvent ev) => (SynFloodAction)ev.Form == SynFloodAction.SendingCookies;

    private static string Listener(in NetEvent ev)
        => ev.Local.IsNone ? $"port {ev.LocalPort}" : EventDescription.Format(ev.Local, ev.LocalPort);
}
