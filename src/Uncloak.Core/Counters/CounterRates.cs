using Uncloak.Core.Events;

namespace Uncloak.Core.Counters;

/// <summary>Turns snapshots into readings of the signals: values, deltas, rates; and alarms as events.</summary>
public static class CounterRates
{
    /// <summary>
    /// Readings of every signal in <see cref="CounterSignal.All"/>. With no <paramref name="previous"/> snapshot,
    /// deltas and rates are 0 (a first reading cannot say what is moving).
    /// </summary>
    public static IReadOnlyList<CounterReading> Between(CounterSnapshot? previous, CounterSnapshot current)
    {
        double seconds = previous is null ? 0 : (current.Time - previous.Time).TotalSeconds;
        var list = new List<CounterReading>(CounterSignal.All.Count);
        foreach (var signal in CounterSignal.All)
        {
            if (!TryValue(current, signal.Name, out double now))
            {
                list.Add(new CounterReading(signal, 0, 0, 0, Present: false));
                continue;
            }
            double delta = 0;
            if (previous is not null && TryValue(previous, signal.Name, out double before))
            {
                delta = now - before;
                // A counter that went backwards was reset (namespace recreated, module reloaded): no rate to report.
                if (signal.Kind == CounterKind.Counter && delta < 0)
                {
                    delta = 0;
                }
            }
            double rate = seconds > 0 ? delta / seconds : 0;
            list.Add(new CounterReading(signal, now, delta, rate, Present: true));
        }
        return list;
    }

    /// <summary>Every reading in alarm as a <see cref="EventKind.CounterAlarm"/> event (Count = delta, Millis = interval, Prefix = counter name).</summary>
    public static IEnumerable<NetEvent> Alarms(IReadOnlyList<CounterReading> readings, DateTime time, int intervalMillis)
    {
        foreach (var r in readings)
        {
            if (r.IsAlarm)
            {
                yield return new NetEvent
                {
                    Time = time,
                    UptimeMicros = -1,
                    Kind = EventKind.CounterAlarm,
                    Prefix = r.Signal.Name,
                    Count = (long)(r.Signal.Kind == CounterKind.Counter ? r.Delta : r.Value),
                    Millis = intervalMillis,
                };
            }
        }
    }

    private static bool TryValue(CounterSnapshot snapshot, string name, out double value)
    {
        if (name == CounterSignal.ConntrackFillName)
        {
            value = 0;
            if (snapshot.TryGet("Conntrack.count", out long count) && snapshot.TryGet("Conntrack.max", out long max) && max > 0)
            {
                value = Math.Round(count * 100.0 / max, 1);
                return true;
            }
            return false;
        }
        bool ok = snapshot.TryGet(name, out long v);
        value = v;
        return ok;
    }
}
