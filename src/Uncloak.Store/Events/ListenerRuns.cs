using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// SYN-flood runs of one source and minute stored as one row: a flooded host logs the lines of several listeners and
/// of both actions (cookies, drops) in every minute, and a row per listener and action (≈ 14 a minute on the dense
/// corpus, 115,220 rows for 300,661 lines) was nearly half of the store writer's inserts (issue 18, item 6). The row is
/// the earliest run's first line with its text; its <c>weight</c> counts the lines of every run in it, and
/// its <c>lines</c> column (migration 44) holds the other runs as what differs — offset, action, listener, count, first and last time,
/// uptime — so <see cref="EventReader"/> gives each run back as it would have come back as a row of its own. A run that
/// differs in anything else (another host, another protocol) stays a row of its own.
/// </summary>
internal static class ListenerRuns
{
    /// <summary>The most one run takes: offset, counts and clocks as variable-length integers, the listener whole.</summary>
    private const int MaxRun = 5 * 10 + 2 + 16 + 3;

    /// <summary>
    /// Adds the rows for the SYN-flood runs of one source, clock and minute to <paramref name="into"/>: the earliest run
    /// with the others that share its shape encoded beside it (in <paramref name="scratch"/>, then copied into
    /// <paramref name="arena"/>), and the rest as rows of their own. Sorts <paramref name="runs"/> by offset.
    /// </summary>
    public static void AddRows(List<EventRun> runs, List<StoredEvent> into, RowArena arena, ref byte[] scratch)
    {
        if (runs.Count == 1)
        {
            into.Add(EventRuns.Row(runs[0]));
            return;
        }
        runs.Sort(static (a, b) => a.First.Position.Offset.CompareTo(b.First.Position.Offset));
        var head = runs[0];
        if (scratch.Length < (runs.Count - 1) * MaxRun)
        {
            scratch = new byte[Math.Max((runs.Count - 1) * MaxRun, scratch.Length * 2)];
        }
        int length = 0;
        long weight = head.Count;
        for (int i = 1; i < runs.Count; i++)
        {
            var run = runs[i];
            if (!SameShape(run.First, head.First))
            {
                into.Add(EventRuns.Row(run));
                continue;
            }
            length += Write(scratch.AsSpan(length), run, head);
            weight += run.Count;
        }
        into.Add(length == 0
            ? EventRuns.Row(head)
            : new StoredEvent(head.First, weight, head.Text, head.Last, arena.Copy(scratch.AsSpan(0, length))));
    }

    /// <summary>
    /// True when two runs can share a row: equal in every packed field but what <see cref="Write"/> keeps per run (form,
    /// listener, uptime), and in the peer.
    /// </summary>
    private static bool SameShape(in NetEvent a, in NetEvent b)
        => EventPacking.SameBodyButRunFields(a, b) && a.Peer.Equals(b.Peer)
            && a.SpeedMbps == b.SpeedMbps && a.Duplex == b.Duplex && a.FlowControl == b.FlowControl;

    private static int Write(Span<byte> buf, EventRun run, EventRun head)
    {
        var ev = run.First;
        long firstClock = EventRuns.Clock(ev);
        int o = 0;
        o += VarInt.Write(buf[o..], VarInt.ZigZag(ev.Position.Offset - head.First.Position.Offset));
        buf[o++] = ev.Form;
        buf[o++] = (byte)(ev.Local.IsV4 ? 4 : ev.Local.IsV6 ? 6 : 0);
        if (!ev.Local.IsNone)
        {
            ev.Local.WriteBytes(buf.Slice(o, 16));
            o += 16;
        }
        o += VarInt.Write(buf[o..], ev.LocalPort);
        o += VarInt.Write(buf[o..], (ulong)run.Count);
        o += VarInt.Write(buf[o..], VarInt.ZigZag(firstClock - EventRuns.Clock(head.First)));
        o += VarInt.Write(buf[o..], VarInt.ZigZag(run.Last - firstClock));
        o += VarInt.Write(buf[o..], VarInt.ZigZag(ev.UptimeMicros - head.First.UptimeMicros));
        return o;
    }

    /// <summary>
    /// The lines of a row with <paramref name="weight"/> lines in all, its own run last seen at <paramref name="lastClock"/>,
    /// and the other runs in <paramref name="encoded"/>, each run as <see cref="EventReader"/> gives back a run of its
    /// own (its first line weighted count − 1, then its last line). A truncated or corrupt blob ends the list of other
    /// runs where it stops making sense; the row's own run keeps the lines not accounted for.
    /// </summary>
    public static IEnumerable<StoredEvent> Read(NetEvent head, string? text, long weight, long lastClock, byte[] encoded)
    {
        long headClock = EventRuns.Clock(head);
        var others = new List<StoredEvent>();
        long rest = weight;
        int o = 0;
        var b = encoded;
        while (o < b.Length)
        {
            if (!VarInt.TryRead(b, ref o, out ulong step) || o + 2 > b.Length)
            {
                break;
            }
            byte form = b[o++];
            byte family = b[o++];
            var local = NetAddress.None;
            if (family != 0)
            {
                if (o + 16 > b.Length)
                {
                    break;
                }
                local = NetAddress.FromBytes(b.AsSpan(o, 16));
                o += 16;
            }
            if (!VarInt.TryRead(b, ref o, out ulong port) || !VarInt.TryRead(b, ref o, out ulong count) || !VarInt.TryRead(b, ref o, out ulong first)
                || !VarInt.TryRead(b, ref o, out ulong last) || !VarInt.TryRead(b, ref o, out ulong uptime)
                || port > ushort.MaxValue || count == 0 || (long)count >= rest)
            {
                break;
            }
            rest -= (long)count;
            long firstClock = headClock + VarInt.UnZigZag(first);
            var ev = At(head with
            {
                Position = new SourcePosition(head.Position.SourceId, head.Position.Offset + VarInt.UnZigZag(step)),
                Form = form,
                Local = local,
                LocalPort = (ushort)port,
                UptimeMicros = head.UptimeMicros + VarInt.UnZigZag(uptime),
            }, firstClock);
            AddRun(others, ev, text, (long)count, firstClock + VarInt.UnZigZag(last));
        }
        var own = new List<StoredEvent>(2 + others.Count);
        AddRun(own, head, text, rest, lastClock);
        own.AddRange(others);
        return own;
    }

    private static void AddRun(List<StoredEvent> rows, in NetEvent first, string? text, long count, long lastClock)
    {
        if (count <= 1)
        {
            rows.Add(new StoredEvent(first, 1, text));
            return;
        }
        rows.Add(new StoredEvent(first, count - 1, text));
        rows.Add(new StoredEvent(At(first, lastClock), 1, text));
    }

    /// <summary>The event at a clock (<see cref="EventRuns.Clock"/>): unix ms when it has a date, uptime µs otherwise.</summary>
    private static NetEvent At(in NetEvent ev, long clock)
        => ev.HasTime ? ev with { Time = DateTimeOffset.FromUnixTimeMilliseconds(clock).UtcDateTime } : ev with { UptimeMicros = clock };
}
