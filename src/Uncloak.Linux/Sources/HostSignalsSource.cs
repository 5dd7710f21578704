using System.Globalization;
using Uncloak.Core.Counters;
using Uncloak.Core.Events;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;
using Uncloak.Linux.Counters;
using Uncloak.Linux.Sockets;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The live evidence, on an interval: the socket table through netlink sock_diag, judged by <see cref="SocketAnalyzer"/>
/// (zero-window holds, slow reads, SYN-RECV floods, full accept queues, each compared with the previous snapshot), and the
/// kernel counters (<see cref="CounterReader"/>), whose alarms become <see cref="EventKind.CounterAlarm"/> events. Snapshots
/// have nothing to resume: the cursor only counts them, and positions keep increasing across restarts so stored events
/// stay unique.
/// </summary>
public sealed class HostSignalsSource : LiveSource
{
    private readonly TimeSpan _interval;
    private readonly SignalOptions _options;
    private readonly bool _counters;

    public HostSignalsSource(TimeProvider time, TimeSpan interval, bool counters = true, SignalOptions? options = null)
        : base("host-signals", time)
    {
        _interval = interval;
        _counters = counters;
        _options = options ?? SignalOptions.Default;
    }

    protected override async Task ReadAsync(string? cursor, long position, long gaps, ISourceSink sink, CancellationToken cancel)
    {
        long snapshots = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0;
        SockDiagClient client;
        try
        {
            client = SockDiagClient.Open(Time);
        }
        catch (SockDiagException e)
        {
            throw new IOException("sock_diag: " + e.Message, e);
        }
        using (client)
        {
            var reader = _counters ? new CounterReader(time: Time) : null;
            SocketTable? previous = null;
            CounterSnapshot? lastCounters = null;
            while (!cancel.IsCancellationRequested)
            {
                var now = Time.GetUtcNow().UtcDateTime;
                var events = new List<(NetEvent, string?)>();
                SocketTable table;
                try
                {
                    table = client.Dump();
                }
                catch (SockDiagException e)
                {
                    throw new IOException("sock_diag dump: " + e.Message, e);
                }
                var findings = SocketAnalyzer.Analyze(table, previous, _options);
                previous = table;
                foreach (var ev in findings.Events())
                {
                    events.Add((ev with { Position = new SourcePosition(SourceId, position++) }, Describe(ev)));
                }
                if (reader is not null)
                {
                    try
                    {
                        var snapshot = reader.Read();
                        if (lastCounters is not null)
                        {
                            var readings = CounterRates.Between(lastCounters, snapshot);
                            foreach (var ev in CounterRates.Alarms(readings, now, (int)(snapshot.Time - lastCounters.Time).TotalMilliseconds))
                            {
                                events.Add((ev with { Position = new SourcePosition(SourceId, position++) }, $"counter alarm {ev.Prefix} +{ev.Count}"));
                            }
                        }
                        lastCounters = snapshot;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        // /proc/net unreadable this once (namespace going away): the sockets still count.
                        lastCounters = null;
                    }
                }
                snapshots++;
                await sink.DeliverAsync(new SourceBatch(Name, SourceId, events, snapshots.ToString(CultureInfo.InvariantCulture), position, gaps) { Records = table.Sockets.Count }, CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(_interval, Time, cancel).ConfigureAwait(false);
            }
        }
    }

    private static string Describe(in NetEvent ev) => ev.Kind switch
    {
        EventKind.ZeroWindowHold => string.Create(CultureInfo.InvariantCulture, $"zero-window hold by {ev.Peer} on :{ev.LocalPort}: {ev.Count} socket(s), {ev.Length} bytes stuck, {ev.Millis} ms"),
        EventKind.SlowRead => string.Create(CultureInfo.InvariantCulture, $"slow read by {ev.Peer} on :{ev.LocalPort}: {ev.Count} connection(s)"),
        EventKind.SynRecvFlood => string.Create(CultureInfo.InvariantCulture, $"SYN-RECV flood on :{ev.LocalPort}: {ev.Count} half-open"),
        EventKind.AcceptQueueFull => string.Create(CultureInfo.InvariantCulture, $"accept queue full on :{ev.LocalPort}"),
        _ => ev.Kind.Name(),
    };
}
