using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One NIC link line kept for the replay (see <see cref="RareRuns"/>): 32 bytes instead of a <see cref="RareRun"/>'s
/// 104, because a flapping NIC leaves hundreds of thousands of them and their down→up order is what pairs flaps, so they
/// cannot be collapsed without changing the report's flap list. The interface and driver are an index into the
/// reader's device table.
/// </summary>
internal readonly struct LinkLine
{
    /// <summary>The replay's clock for the line (<see cref="RareRun.TimeOf"/>), with its kind as the event had it.</summary>
    public readonly DateTime Start;
    public readonly long Offset;
    public readonly int SourceId;
    public readonly int SpeedMbps;
    public readonly int Device;
    public readonly byte Form;
    public readonly Duplex Duplex;
    public readonly FlowControl FlowControl;

    public LinkLine(in NetEvent ev, int device)
    {
        Start = RareRun.TimeOf(ev);
        Offset = ev.Position.Offset;
        SourceId = ev.Position.SourceId;
        SpeedMbps = ev.SpeedMbps;
        Device = device;
        Form = ev.Form;
        Duplex = ev.Duplex;
        FlowControl = ev.FlowControl;
    }

    /// <summary>The same line in another reader's device table.</summary>
    public LinkLine WithDevice(int device) => new(this, device);

    private LinkLine(in LinkLine line, int device)
    {
        Start = line.Start;
        Offset = line.Offset;
        SourceId = line.SourceId;
        SpeedMbps = line.SpeedMbps;
        Device = device;
        Form = line.Form;
        Duplex = line.Duplex;
        FlowControl = line.FlowControl;
    }

    /// <summary>The event again, with the fields the link replay reads.</summary>
    public NetEvent Event((string? Interface, string? Driver) device) => new()
    {
        Time = Start, UptimeMicros = -1, Kind = EventKind.NicLink, Form = Form, Interface = device.Interface, Driver = device.Driver,
        SpeedMbps = SpeedMbps, Duplex = Duplex, FlowControl = FlowControl, Position = new SourcePosition(SourceId, Offset),
    };

    /// <summary>The replay's order: time, then where the line was read.</summary>
    public static int Compare(in LinkLine a, in LinkLine b)
    {
        int c = a.Start.CompareTo(b.Start);
        c = c != 0 ? c : a.SourceId.CompareTo(b.SourceId);
        return c != 0 ? c : a.Offset.CompareTo(b.Offset);
    }
}
