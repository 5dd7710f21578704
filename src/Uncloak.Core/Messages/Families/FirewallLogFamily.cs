using System.Globalization;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>Netfilter LOG / NFLOG-to-syslog lines (see <see cref="FirewallLogMessage"/>).</summary>
public sealed class FirewallLogFamily : MessageFamily
{
    public override EventKind Kind => EventKind.FirewallLog;

    public override string Name => "firewall_log";

    public override IReadOnlyList<string> Anchors { get; } = ["IN="];

    public override IReadOnlyList<(byte Value, string Name)> Forms { get; } =
    [
        (FirewallLogMessage.Input, "input"),
        (FirewallLogMessage.Output, "output"),
        (FirewallLogMessage.Forward, "forward"),
        (FirewallLogMessage.Arp, "arp"),
    ];

    public override Explanation Explanation => FirewallLogMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => FirewallLogMessage.TryParse(message, anchor, pool, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        base.WriteFields(ev, fields);
        fields["protocol"] = (long)ev.Protocol;
        if (ev.TcpFlags != TcpFlags.None)
        {
            fields["tcp_flags"] = EventFields.FlagsName(ev.TcpFlags);
        }
        if (ev.Length != 0)
        {
            fields["length"] = (long)ev.Length;
        }
        if (ev.Prefix is not null)
        {
            fields["prefix"] = ev.Prefix;
        }
    }

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        if (ev.Prefix is not null)
        {
            fields.Add(new("rule prefix", ev.Prefix));
        }
        bool outbound = ev.Form == FirewallLogMessage.Output;
        fields.Add(new("hook", FormName(ev.Form) ?? "input", ev.Form switch
        {
            FirewallLogMessage.Output => "sent by this host (IN= empty): the peer is the destination",
            FirewallLogMessage.Forward => "routed or bridged through this host (IN= and OUT= both set)",
            FirewallLogMessage.Arp => "an ARP packet: the addresses are the ARP sender and target",
            _ => "arriving for this host (OUT= empty)",
        }));
        if (ev.Interface is not null)
        {
            fields.Add(new(outbound ? "out interface" : "in interface", ev.Interface, "the physical port when a bridge names one (PHYSIN=/PHYSOUT=)"));
        }
        fields.Add(outbound
            ? new("source", EventDescription.Format(ev.Local, ev.LocalPort), "this host, sending")
            : new("source", EventDescription.Format(ev.Peer, ev.PeerPort), "the sender"));
        fields.Add(outbound
            ? new("destination", EventDescription.Format(ev.Peer, ev.PeerPort), "the remote end this host sent to: the peer")
            : new("destination", EventDescription.Format(ev.Local, ev.LocalPort), "where it was going (this host, if IN= is set and OUT= empty)"));
        fields.Add(new("protocol", EventDescription.ProtocolName(ev.Protocol)));
        if (ev.TcpFlags != TcpFlags.None)
        {
            fields.Add(new("tcp flags", ev.TcpFlags.ToString().ToUpperInvariant(),
                ev.TcpFlags == TcpFlags.Syn ? "a connection attempt" : null));
        }
        if (ev.Length > 0)
        {
            fields.Add(new("length", ev.Length.ToString(CultureInfo.InvariantCulture) + " bytes"));
        }
    }
}
