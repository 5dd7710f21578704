using System.Globalization;
using Microsoft.AspNetCore.Http;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Store.Incidents;
using Uncloak.Store.Timeline;
using Uncloak.Store.Watch;

namespace Uncloak.Web.Dashboard;

/// <summary>The timeline's API: events by kind over time from the per-minute and per-hour counts, outages, incidents.</summary>
public sealed partial class Dashboard
{
    /// <summary>The shortest and longest span the timeline shows.</summary>
    public static readonly TimeSpan MinTimelineSpan = TimeSpan.FromHours(1), MaxTimelineSpan = TimeSpan.FromDays(30);

    /// <summary>
    /// <c>uncloak.web.timeline/1</c>: <c>range=24h</c> back from now (1h to 30d; 24h when absent), or <c>from=</c> and
    /// <c>to=</c> (ISO times, <c>to</c> now when absent). Buckets of a minute up to 48 h, of an hour beyond; each kind's
    /// counts, and the outages and incidents in the span.
    /// </summary>
    private async Task TimelineAsync(HttpContext http)
    {
        var q = http.Request.Query;
        var now = _context.Time.GetUtcNow();
        DateTimeOffset to = now, from;
        if (Blank(q["to"]) is { } toText && !TryTime(toText, out to))
        {
            await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"to: '{toText}' is not a time (2026-12-04T17:00:00Z)").ConfigureAwait(false);
            return;
        }
        if (Blank(q["from"]) is { } fromText)
        {
            if (!TryTime(fromText, out from))
            {
                await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"from: '{fromText}' is not a time (2026-12-04T17:00:00Z)").ConfigureAwait(false);
                return;
            }
        }
        else
        {
            string range = Blank(q["range"]) ?? "24h";
            if (!DurationText.TryParse(range, out var back))
            {
                await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"range: '{range}' is not a duration (1h, 24h, 7d, 30d)").ConfigureAwait(false);
                return;
            }
            from = to - back;
        }
        if (to - from < MinTimelineSpan || to - from > MaxTimelineSpan)
        {
            await ApiErrorAsync(http, StatusCodes.Status400BadRequest, "the timeline shows from 1h to 30d: 'from' must be that far before 'to'").ConfigureAwait(false);
            return;
        }
        var (series, outages, incidents) = await ReadAsync(s => (
            EventTimeline.Read(s, from, to),
            new WatchStore(s).Outages().Where(o => o.Start < to.UtcDateTime && (o.End ?? DateTime.MaxValue) > from.UtcDateTime).ToList(),
            new IncidentStore(s).List(from.UtcDateTime.AddDays(-1)).Where(i => i.Start < to.UtcDateTime && (i.End ?? i.Start) >= from.UtcDateTime).ToList()),
            http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.timeline/1");
            w.WriteString("from", Iso(from));
            w.WriteString("to", Iso(to));
            w.WriteNumber("start", series.Start.ToUnixTimeSeconds());
            w.WriteNumber("step", (long)series.Step.TotalSeconds);
            w.WriteNumber("buckets", series.Buckets);
            w.WriteNumber("total", series.Total);
            w.WriteStartArray("series");
            foreach (var (kind, counts) in series.Counts.OrderBy(c => c.Key.Name(), StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("kind", kind.Name());
                w.WriteStartArray("counts");
                foreach (long c in counts)
                {
                    w.WriteNumberValue(c);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("outages");
            foreach (var o in outages)
            {
                w.WriteStartObject();
                WriteOutageFields(w, o);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("incidents");
            foreach (var i in incidents)
            {
                w.WriteStartObject();
                w.WriteString("id", i.Id);
                w.WriteString("probe", i.Probe);
                w.WriteString("start", Iso(i.Start));
                w.WriteString("layer", i.Layer.Name());
                w.WriteString("summary", i.Summary);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static bool TryTime(string text, out DateTimeOffset time)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
