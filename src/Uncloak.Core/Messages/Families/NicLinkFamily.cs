using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages.Families;

/// <summary>NIC link up/down per driver, with speed, duplex and flow control (see <see cref="NicLinkMessage"/>).</summary>
public sealed class NicLinkFamily : MessageFamily
{
    public override EventKind Kind => EventKind.NicLink;

    public override string Name => "nic_link";

    public override IReadOnlyList<string> Anchors { get; } =
    [
        "Link is Up",
        "Link is Down",
        "Link is UP",
        "Link is DOWN",
        "Link is up",
        "Link is down",
        "link is up",
        "link is down",
        "link up",
        "link down",
        "Link up",
        "Link down",
        "Link Up",
        "Link Down",
        "Link UP",
        "Link DOWN",
        "Link status is: ",
        "link status definitely ",
        "link becomes ready",
        "Flow control is ",
        "Autonegotiated half duplex",
        "link change old ",
        "NIC Up: ",
    ];

    /// <summary>Every wording but the half-duplex warning, tg3's flow-control line and alx's up starts with "Link " or "link ".</summary>
    public override IReadOnlyList<string> SearchPrefixes { get; } = ["Link ", "link ", "Autonegotiated half duplex", "Flow control is ", "NIC Up: "];

    public override Explanation Explanation => NicLinkMessage.Explanation;

    internal override bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
        => NicLinkMessage.TryParse(message, anchor, pool, out ev);

    public override void WriteFields(in NetEvent ev, IDictionary<string, object> fields)
    {
        fields["link"] = ((LinkState)ev.Form).ToString().ToLowerInvariant();
        if (ev.SpeedMbps != 0)
        {
            fields["speed_mbps"] = (long)ev.SpeedMbps;
        }
        if (ev.Duplex != Duplex.Unknown)
        {
            fields["duplex"] = ev.Duplex.ToString().ToLowerInvariant();
        }
        if (ev.FlowControl != FlowControl.Unknown)
        {
            fields["flow_control"] = EventFields.FlowName(ev.FlowControl);
        }
    }

    public override void Describe(in NetEvent ev, List<DescribedField> fields)
    {
        EventDescription.AddDevice(ev, fields);
        fields.Add(new("link", ((LinkState)ev.Form).ToString().ToLowerInvariant()));
        if (ev.SpeedMbps > 0)
        {
            fields.Add(new("speed", $"{ev.SpeedMbps} Mbps", ev.SpeedMbps < 1000 ? "below gigabit: check cable and autonegotiation" : null));
        }
        if (ev.Duplex != Duplex.Unknown)
        {
            fields.Add(new("duplex", ev.Duplex.ToString().ToLowerInvariant(), ev.Duplex == Duplex.Half ? "half duplex on a server port points at a duplex mismatch" : null));
        }
        if (ev.FlowControl != FlowControl.Unknown)
        {
            fields.Add(new("flow control", EventDescription.FlowText(ev.FlowControl), ev.FlowControl is FlowControl.Rx or FlowControl.RxTx ? "this NIC obeys pause frames from the switch" : null));
        }
    }

    /// <summary>Pairs each down with the next up of the same interface into a flap; a degraded-link warning is counted; a flow-control report sets the interface's flow control.</summary>
    internal override void Replay(RareHistory history, in NetEvent ev, DateTime time)
    {
        var nic = history.Interface(ev);
        switch ((LinkState)ev.Form)
        {
            case LinkState.Down:
                nic.LinkDown(time);
                break;
            case LinkState.Up:
                if (ev.SpeedMbps > 0)
                {
                    nic.LastSpeedMbps = ev.SpeedMbps;
                }
                if (ev.Duplex != Duplex.Unknown)
                {
                    nic.LastDuplex = ev.Duplex;
                }
                if (ev.FlowControl != FlowControl.Unknown)
                {
                    nic.LastFlowControl = ev.FlowControl;
                }
                if (ev.Duplex == Duplex.Half)
                {
                    nic.HalfDuplexUps++;
                }
                nic.LinkUp(time, history.Disruptions);
                break;
            case LinkState.Flow:
                if (ev.FlowControl != FlowControl.Unknown)
                {
                    nic.LastFlowControl = ev.FlowControl;
                }
                break;
            default:
                nic.DegradedWarnings++;
                break;
        }
    }
}
