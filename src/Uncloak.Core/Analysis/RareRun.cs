using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One rare event kept for the replay, or a run of repetitive ones collapsed into it (see <see cref="RareRuns"/>):
/// only the fields a family's replay reads (half the size of a <see cref="NetEvent"/>: a flapping NIC leaves hundreds
/// of thousands of them), the time of the last event and how many lines the run stands for.
/// </summary>
internal struct RareRun
{
    public DateTime Time;
    public DateTime Last;
    public long UptimeMicros;
    public long Count;
    public SourcePosition Position;
    public NetAddress Local;
    public string? Interface;
    public string? Driver;
    public int SpeedMbps;
    public ushort LocalPort;
    public EventKind Kind;
    public byte Form;
    public Duplex Duplex;
    public FlowControl FlowControl;

    public RareRun(in NetEvent first, long count)
    {
        Time = first.Time;
        UptimeMicros = first.UptimeMicros;
        Kind = first.Kind;
        Form = first.Form;
        Local = first.Local;
        LocalPort = first.LocalPort;
        Interface = first.Interface;
        Driver = first.Driver;
        SpeedMbps = first.SpeedMbps;
        Duplex = first.Duplex;
        FlowControl = first.FlowControl;
        Position = first.Position;
        Last = Start;
        Count = count;
    }

    /// <summary>The replay's clock for the run's first event: wall time, else the uptime counted from the epoch, else none.</summary>
    public readonly DateTime Start => Time != default ? Time : UptimeMicros >= 0 ? DateTime.UnixEpoch.AddTicks(UptimeMicros * 10) : default;

    /// <summary>The first event again, with the fields the replay reads.</summary>
    public readonly NetEvent First => new()
    {
        Time = Time, UptimeMicros = UptimeMicros, Kind = Kind, Form = Form, Local = Local, LocalPort = LocalPort, Interface = Interface,
        Driver = Driver, SpeedMbps = SpeedMbps, Duplex = Duplex, FlowControl = FlowControl, Position = Position,
    };

    /// <summary>The replay's clock: wall time, else the uptime counted from the epoch, else none.</summary>
    public static DateTime TimeOf(in NetEvent ev)
        => ev.HasTime ? ev.Time : ev.UptimeMicros >= 0 ? DateTime.UnixEpoch.AddTicks(ev.UptimeMicros * 10) : default;
}
