using System.Text.Json;
using Uncloak.Core.Analysis;
using Uncloak.Core.Analysis.Rules;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Reports;

/// <summary>
/// The `analyze --json` document. Stable names (snake_case), addresses in canonical text (IPv6 per
/// RFC 5952, IPv4-mapped as IPv4), peers sorted by total events descending, every log kind present in
/// "events" even when zero, so scripts need no existence checks.
/// </summary>
public static partial class AnalysisJson
{
    public static void Write(Utf8JsonWriter w, AnalysisReport r, int? topPeers = null)
    {
        w.WriteStartObject();
        w.WriteString("schema", "uncloak.analyze/2");
        w.WriteNumber("lines", r.Lines);
        w.WriteNumber("malformed", r.Malformed);
        w.WriteString("clock", r.Clock);
        WriteTime(w, Names.First, r.First, r.Clock);
        WriteTime(w, Names.Last, r.Last, r.Clock);

        w.WriteStartObject("events");
        foreach (var kind in EventKinds.LogKinds)
        {
            w.WriteNumber(kind.Name(), r.Counts[kind]);
        }
        foreach (var (kind, count) in r.Counts.NonZero().Where(k => !EventKinds.LogKinds.Contains(k.Kind)))
        {
            w.WriteNumber(kind.Name(), count);
        }
        w.WriteEndObject();

        w.WriteNumber("distinct_peers", r.DistinctPeers);
        WritePeers(w, r.Peers, topPeers is { } n ? Math.Clamp(n, 0, r.Peers.Count) : r.Peers.Count, r.Clock);

        w.WriteStartArray("local_ports");
        foreach (var p in r.LocalPorts.Take(50))
        {
            w.WriteStartObject();
            w.WriteNumber("port", p.Port);
            w.WriteNumber("total", p.Counts.Total);
            WriteCounts(w, Names.Events, p.Counts);
            w.WriteNumber("distinct_peers", p.DistinctPeers);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("treason");
        w.WriteNumber("lines", r.Counts[EventKind.Treason]);
        w.WriteNumber("episodes", r.TreasonEpisodes.Count);
        w.WriteNumber("stalls", r.TreasonEpisodes.Count);
        w.WriteNumber("connections", r.TreasonEpisodes.Statistics.Connections);
        w.WriteNumber("most_stalls_on_one_connection", r.TreasonEpisodes.Statistics.MostStallsOnOneConnection);
        w.WriteNumber("distinct_peers", r.TreasonEpisodes.Statistics.DistinctPeers);
        w.WriteNumber("listening_ports_known", r.Listening.Count);
        w.WriteStartArray("top_episodes");
        foreach (var e in r.TreasonEpisodes.Top.Take(20))
        {
            w.WriteStartObject();
            w.WriteString("peer", e.Peer.ToString());
            w.WriteNumber("peer_port", e.PeerPort);
            w.WriteNumber("local_port", e.LocalPort);
            w.WriteNumber("snd_una", e.SndUna);
            w.WriteNumber("bytes_in_flight", e.MaxBytesInFlight);
            w.WriteNumber("lines", e.Lines);
            w.WriteString("direction", e.Direction.ToString().ToLowerInvariant());
            WriteTime(w, Names.First, e.First == DateTime.MaxValue ? null : e.First, r.Clock);
            WriteTime(w, Names.Last, e.Last == DateTime.MinValue ? null : e.Last, r.Clock);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartArray("interfaces");
        foreach (var nic in r.Interfaces)
        {
            w.WriteStartObject();
            w.WriteString("name", nic.Name);
            if (nic.Driver is not null)
            {
                w.WriteString("driver", nic.Driver);
            }
            w.WriteNumber("link_ups", nic.LinkUps);
            w.WriteNumber("link_downs", nic.LinkDowns);
            w.WriteNumber("last_speed_mbps", nic.LastSpeedMbps);
            w.WriteString("last_duplex", nic.LastDuplex.ToString().ToLowerInvariant());
            w.WriteString("last_flow_control", EventFields.FlowName(nic.LastFlowControl));
            w.WriteNumber("half_duplex_ups", nic.HalfDuplexUps);
            w.WriteNumber("watchdogs", nic.Watchdogs);
            w.WriteNumber("hangs", nic.Hangs);
            // Every flap is counted and timed; only the latest are listed (a flapping NIC has hundreds of thousands).
            w.WriteNumber("flap_count", nic.FlapCount);
            w.WriteNumber("flaps_listed", nic.Flaps.Count);
            w.WriteNumber("down_seconds", Math.Round(nic.DownTotal.TotalSeconds, 3));
            w.WriteNumber("longest_down_seconds", Math.Round(nic.DownLongest.TotalSeconds, 3));
            w.WriteBoolean("still_down", nic.StillDown);
            w.WriteStartArray("flaps");
            foreach (var f in nic.Flaps)
            {
                w.WriteStartObject();
                WriteTime(w, Names.Down, f.Down == default ? null : f.Down, r.Clock);
                WriteTime(w, Names.Up, f.Up is { } up && up != default ? up : null, r.Clock);
                if (f.Duration is { } d)
                {
                    w.WriteNumber("seconds", Math.Round(d.TotalSeconds, 3));
                }
                w.WriteEndObject();
                if (w.BytesPending > 1 << 16)
                {
                    // A flapping NIC has hundreds of thousands of flaps: unflushed, their text piled up in the writer's
                    // buffer (doubling as it grew) until the end of the report, at the process's memory peak.
                    w.Flush();
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("syn_flood_listeners");
        foreach (var (listener, (cookies, drops)) in r.SynFloodListeners.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("listener", listener);
            w.WriteNumber("cookies", cookies);
            w.WriteNumber("drops", drops);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("suppressed_messages", r.SuppressedMessages);
        w.WriteNumber("suppressed_any_messages", r.SuppressedAnyMessages);

        w.WriteStartObject("timeline");
        WriteTime(w, Names.Start, r.Timeline.Buckets == 0 ? null : r.Timeline.Start, r.Clock);
        w.WriteNumber("bucket_seconds", (long)r.Timeline.Bucket.TotalSeconds);
        w.WriteNumber("buckets", r.Timeline.Buckets);
        w.WriteStartObject("series");
        foreach (var (kind, series) in r.Timeline.Series.OrderBy(s => s.Key))
        {
            w.WriteStartArray(kind.Name());
            foreach (long v in series)
            {
                w.WriteNumberValue(v);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("disruptions");
        foreach (var d in r.Disruptions)
        {
            w.WriteStartObject();
            WriteTime(w, Names.Start, d.Start, r.Clock);
            WriteTime(w, Names.End, d.End, r.Clock);
            w.WriteString("cause", d.Cause);
            w.WriteNumber("signals", d.Signals);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("attacks");
        foreach (var a in r.Attacks)
        {
            WriteAttack(w, a, r.Clock);
        }
        w.WriteEndArray();

        w.WriteStartArray("findings");
        foreach (var f in r.Findings)
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id);
            w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
            w.WriteString("title", f.Title);
            w.WriteString("conclusion", f.Conclusion);
            w.WriteStrings("evidence", f.Evidence);
            w.WriteStrings("reasoning", f.Reasoning);
            w.WriteStrings("advice", f.Advice);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("sources");
        foreach (var s in r.Sources)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("format", s.Format);
            w.WriteNumber("lines", s.Lines);
            w.WriteNumber("malformed", s.Malformed);
            w.WriteNumber("events", s.Events);
            if (s.FirstMalformed is { } fm)
            {
                w.WriteNumber("first_malformed_line", fm.Line);
                w.WriteNumber("first_malformed_offset", fm.Offset);
            }
            if (s.DamagedTotal.Ranges > 0)
            {
                w.WriteStartObject("damaged");
                w.WriteNumber("ranges", s.DamagedTotal.Ranges);
                w.WriteNumber("bytes", s.DamagedTotal.Bytes);
                w.WriteStartArray("skipped");
                foreach (var d in s.Damaged)
                {
                    w.WriteStartObject();
                    w.WriteNumber("offset", d.Offset);
                    w.WriteNumber("length", d.Length);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            if (s.Error is not null)
            {
                w.WriteString("error", s.Error);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Names written once per peer, flap or disruption, encoded once: tens of thousands of peers each transcoding and
    /// checking a dozen names were a third of the report's writing (issue 18 item 6).
    /// </summary>
    private static class Names
    {
        public static readonly JsonEncodedText Address = JsonEncodedText.Encode("address");
        public static readonly JsonEncodedText Total = JsonEncodedText.Encode("total");
        public static readonly JsonEncodedText Events = JsonEncodedText.Encode("events");
        public static readonly JsonEncodedText First = JsonEncodedText.Encode("first");
        public static readonly JsonEncodedText Last = JsonEncodedText.Encode("last");
        public static readonly JsonEncodedText DistinctLocalPorts = JsonEncodedText.Encode("distinct_local_ports");
        public static readonly JsonEncodedText LocalPorts = JsonEncodedText.Encode("local_ports");
        public static readonly JsonEncodedText Down = JsonEncodedText.Encode("down");
        public static readonly JsonEncodedText Up = JsonEncodedText.Encode("up");
        public static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
        public static readonly JsonEncodedText End = JsonEncodedText.Encode("end");

        /// <summary>Each kind's name, in catalog order (the order <see cref="KindCounts.NonZero"/> gives).</summary>
        public static readonly (EventKind Kind, JsonEncodedText Name)[] Kinds = [.. EventKinds.All.Select(k => (k, JsonEncodedText.Encode(k.Name())))];
    }

    private static void WriteCounts(Utf8JsonWriter w, JsonEncodedText name, KindCounts counts)
    {
        w.WriteStartObject(name);
        foreach (var (kind, kindName) in Names.Kinds)
        {
            if (counts[kind] is var count and not 0)
            {
                w.WriteNumber(kindName, count);
            }
        }
        w.WriteEndObject();
    }

    /// <summary>Wall times as ISO 8601 UTC; uptime clocks as seconds since boot.</summary>
    private static void WriteTime(Utf8JsonWriter w, JsonEncodedText name, DateTime? time, string clock)
    {
        if (time is not { } t)
        {
            w.WriteNull(name);
        }
        else if (clock == "wall")
        {
            // Formatted into a span, not a string: a dense log's report writes hundreds of thousands of times (every
            // flap has two).
            Span<byte> text = stackalloc byte[IsoSeconds.Length];
            IsoSeconds.Write(t, text);
            w.WriteString(name, text);
        }
        else
        {
            w.WriteNumber(name, Math.Round((t - DateTime.UnixEpoch).TotalSeconds, 6));
        }
    }
    /// <summary>One attack: the finding's facts as fields, so a script need not parse sentences.</summary>
    private static void WriteAttack(Utf8JsonWriter w, AttackTally a, string clock)
    {
        w.WriteStartObject();
        w.WriteString("finding", AttackRule.Id(a));
        w.WriteString("mechanism", a.Mechanism.Name());
        w.WriteString("attacker", AttackRule.Who(a));
        if (a.AttackerRange is { } range)
        {
            w.WriteString("attacker_range", range);
        }
        if (!a.Target.IsNone)
        {
            w.WriteString("target", a.Target.ToString());
        }
        if (a.LocalPort != 0)
        {
            w.WriteNumber("local_port", a.LocalPort);
        }
        w.WriteNumber("events", a.Events);
        if (AttackMechanisms.HoldsConnections(a.Mechanism))
        {
            w.WriteNumber("connections", a.Connections);
            w.WriteNumber("zero_window_connections", a.ZeroWindowConnections);
            w.WriteNumber("longest_hold_ms", a.LongestHoldMillis);
            w.WriteNumber("bytes_pinned", a.BytesPinned);
            w.WriteNumber("probes", a.Probes);
            w.WriteNumber("shrunk_connections", a.ShrunkConnections);
            w.WriteNumber("bytes_in_flight_at_shrink", a.BytesInFlightAtShrink);
            w.WriteNumber("slow_connections", a.SlowConnections);
            w.WriteNumber("longest_slow_ms", a.LongestSlowMillis);
            w.WriteNumber("bytes_read", a.BytesRead);
        }
        else
        {
            w.WriteNumber("packets", a.Packets);
            w.WriteNumber("flood_ms", a.FloodMillis);
            if (a.Mechanism is AttackMechanism.SpoofedSynFlood or AttackMechanism.SynFlood)
            {
                w.WriteNumber("sources", a.Sources);
                w.WriteNumber("prefixes", a.Prefixes);
                w.WriteNumber("ttl_spread", a.TtlSpread);
            }
            else
            {
                w.WriteNumber("icmp_type", a.IcmpType);
            }
        }
        WriteTime(w, Names.First, a.First == DateTime.MaxValue ? null : a.First, clock);
        WriteTime(w, Names.Last, a.Last == DateTime.MinValue ? null : a.Last, clock);
        w.WriteEndObject();
    }
}
