using Uncloak.Config;
using Uncloak.Core.Wire;
using Uncloak.Linux.Sources;

namespace Uncloak.Daemon.Sources;

/// <summary>
/// Builds the daemon's live sources from its config: one registration per source kind, each reading only its own part of
/// <see cref="WatchConfig"/>. A new kind is one more line in <see cref="Kinds"/>; the order is the order the engine starts
/// them in. Constructing a source opens nothing: each opens its device or file when the engine runs it, so a missing one
/// is reported (and retried) by the source, not fatal here.
/// </summary>
public static class SourceFactory
{
    /// <summary>A source kind: its name (as in the docs and <c>uncloak config check</c>) and how it is built from the config.</summary>
    public sealed record Registration(string Kind, Func<WatchConfig, TimeProvider, IEnumerable<LiveSource>> Build);

    /// <summary>Every kind the daemon can read, in start order.</summary>
    public static IReadOnlyList<Registration> Kinds { get; } =
    [
        new("kmsg", (c, t) => c.Kmsg ? [new KmsgSource(t)] : []),
        new("journal", (c, t) => c.JournalKernel || c.JournalUnits.Count > 0 ? [new JournalSource(c.JournalKernel, c.JournalUnits, t)] : []),
        new("host-signals", (c, t) => c.SignalsInterval is { } every ? [new HostSignalsSource(t, every, c.Counters)] : []),
        new("file", (c, t) => c.Files.Select(f => new FileTailSource(f.Path, t, fromStart: f.FromStart))),
        new("capture", (c, t) => c.Capture is { } capture ? [Capture(capture, t)] : []),
    ];

    /// <summary>The sources <paramref name="config"/> asks for, in start order.</summary>
    public static List<LiveSource> Create(WatchConfig config, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        return [.. Kinds.SelectMany(k => k.Build(config, time))];
    }

    private static PacketCaptureSource Capture(CaptureConfig c, TimeProvider time) => new(new CaptureSourceOptions
    {
        Interface = c.Interface,
        RingMegabytes = c.RingMegabytes,
        SnapLength = c.SnapLength,
        MaxPacketsPerSecond = c.MaxPacketsPerSecond,
        Wire = new WireOptions
        {
            MaxFlows = c.MaxFlows, ZeroWindowHold = c.ZeroWindowHold, SlowRead = c.SlowRead, TinyWindowBytes = c.TinyWindowBytes,
            SynFloodSyns = c.SynFloodSyns, CountWindow = c.CountWindow,
        },
    }, time);
}
