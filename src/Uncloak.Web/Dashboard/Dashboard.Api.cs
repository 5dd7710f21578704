using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Core.Events;
using Uncloak.Store;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Store.Events;
using Uncloak.Store.Incidents;
using Uncloak.Store.Timeline;
using Uncloak.Store.Watch;
using Uncloak.Web.Auth;

namespace Uncloak.Web.Dashboard;

/// <summary>The JSON API (docs/web.md): every document has a <c>"schema"</c>, errors are <c>uncloak.web.error/1</c>.</summary>
public sealed partial class Dashboard
{
    /// <summary>Bans per page at most.</summary>
    public const int MaxPage = 500;

    /// <summary>Live streams open at once at most; each holds a connection and wakes every <see cref="StreamInterval"/>.</summary>
    public const int MaxStreams = 8;

    /// <summary>How often a live stream sends the overview.</summary>
    public static readonly TimeSpan StreamInterval = TimeSpan.FromSeconds(2);

    private static readonly JsonWriterOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private int _streams;

    private Task GetApiAsync(HttpContext http, string path) => path switch
    {
        "/api/overview" => OverviewAsync(http),
        "/api/bans" => BansAsync(http),
        "/api/outages" => OutagesAsync(http),
        "/api/actions" => ActionsAsync(http),
        "/api/stream" => StreamAsync(http),
        "/api/timeline" => TimelineAsync(http),
        "/api/audit" => AuditAsync(http),
        "/api/fleet" => FleetAsync(http),
        "/api/incidents" => IncidentsApiAsync(http, ""),
        _ when path.StartsWith("/api/incidents/", StringComparison.Ordinal) => IncidentsApiAsync(http, path["/api/incidents/".Length..]),
        _ when path.StartsWith("/api/rdns/", StringComparison.Ordinal) => ReverseDnsAsync(http, Uri.UnescapeDataString(path["/api/rdns/".Length..])),
        _ when path.StartsWith("/api/peers/", StringComparison.Ordinal) => PeerAsync(http, Uri.UnescapeDataString(path["/api/peers/".Length..])),
        _ => ApiErrorAsync(http, StatusCodes.Status404NotFound, "no such API: see docs/web.md"),
    };

    /// <summary>
    /// <c>uncloak.web.overview/1</c>: the daemon's status document (<c>uncloak.status/1</c>, docs/status.md: probes,
    /// outages, bans by origin, events by kind, sources, recent alerts) as <c>uncloak status --json</c> shows it.
    /// </summary>
    private async Task OverviewAsync(HttpContext http)
    {
        byte[] status = await StatusAsync(http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.overview/1");
            w.WritePropertyName("status");
            w.WriteRawValue(status, skipInputValidation: true);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>The engine's status, or an error document when the engine is held (a store retry) for over 5 s.</summary>
    private async Task<byte[]> StatusAsync(CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await _context.Engine.StatusAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Daemon.Control.ControlServer.Error("the daemon did not answer within 5 s (its store may be held)");
        }
    }

    /// <summary>
    /// <c>uncloak.web.bans/1</c>: decisions newest first, filtered by <c>active</c> (1: in force only), <c>origin</c>,
    /// <c>scenario</c>, <c>since</c> (a duration back from now, or an ISO time) and <c>address</c>; keyset pages of
    /// <c>limit</c> (≤ 500) rows, the next page asked with <c>before=</c> the last row's id (<c>next</c>).
    /// </summary>
    private async Task BansAsync(HttpContext http)
    {
        var q = http.Request.Query;
        var now = _context.Time.GetUtcNow();
        var filter = new DecisionFilter { Active = q["active"] == "1", Origin = Blank(q["origin"]), Scenario = Blank(q["scenario"]) };
        if (Blank(q["since"]) is { } since)
        {
            if (DurationText.TryParse(since, out var back))
            {
                filter = filter with { Since = now - back };
            }
            else if (DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                filter = filter with { Since = at };
            }
            else
            {
                await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"since: '{since}' is neither a duration (1h, 7d) nor a time").ConfigureAwait(false);
                return;
            }
        }
        if (Blank(q["before"]) is { } before)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"before: '{before}' is not a decision id").ConfigureAwait(false);
                return;
            }
            filter = filter with { BeforeId = id };
        }
        if (Blank(q["address"]) is { } address)
        {
            if (!NetAddress.TryParse(address, out var a) || a.IsNone)
            {
                await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"address: '{address}' is not an IP address").ConfigureAwait(false);
                return;
            }
            filter = filter with { Address = a };
        }
        int limit = int.TryParse(q["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? Math.Clamp(l, 1, MaxPage) : 100;
        // One row more than asked says whether another page exists.
        var rows = await ReadAsync(s => new DecisionStore(s).List(filter, now, limit + 1), http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.bans/1");
            w.WriteStartArray("bans");
            foreach (var d in rows.Take(limit))
            {
                WriteDecision(w, d, now);
            }
            w.WriteEndArray();
            if (rows.Count > limit)
            {
                w.WriteNumber("next", rows[limit - 1].Id);
            }
            else
            {
                w.WriteNull("next");
            }
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteDecision(Utf8JsonWriter w, Decision d, DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteNumber("id", d.Id);
        w.WriteString("target", d.Target.ToString());
        w.WriteString("state", PeerHistoryJson.State(d, now));
        w.WriteString("origin", d.Origin);
        if (d.Scenario is null)
        {
            w.WriteNull("scenario");
        }
        else
        {
            w.WriteString("scenario", d.Scenario);
        }
        w.WriteString("reason", d.Status == DecisionStatus.Refused ? d.RefusalMessage : d.Reason);
        w.WriteString("created", Iso(d.Created));
        w.WriteString("expires", Iso(d.Expires));
        w.WriteNumber("repeat", d.Repeat);
        w.WriteNumber("renewals", d.Renewals);
        if (d.RevokedBy is null)
        {
            w.WriteNull("revoked_by");
        }
        else
        {
            w.WriteString("revoked_by", d.RevokedBy);
        }
        w.WriteEndObject();
    }

    /// <summary><c>uncloak.peer/1</c>, the document <c>uncloak peer --json</c> writes: "why was this address banned?".</summary>
    private async Task PeerAsync(HttpContext http, string address)
    {
        if (!NetAddress.TryParse(address, out var peer) || peer.IsNone)
        {
            await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"'{address}' is not an IP address").ConfigureAwait(false);
            return;
        }
        var now = _context.Time.GetUtcNow();
        var history = await ReadAsync(s => PeerHistory.Read(s, peer, 1000, now), http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w => PeerHistoryJson.Write(w, history)).ConfigureAwait(false);
    }

    /// <summary>How far before an outage its lead-up reaches.</summary>
    public static readonly TimeSpan LeadUp = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <c>uncloak.web.outages/1</c>: the newest 200 outages, ongoing ones with a null end; each with its lead-up (events
    /// by kind in the <see cref="LeadUp"/> before it and during it, from the per-minute counts) and its incidents (the
    /// localized layer, the summary, the bundle's download).
    /// </summary>
    private async Task OutagesAsync(HttpContext http)
    {
        var now = _context.Time.GetUtcNow();
        var outages = await ReadAsync(s =>
        {
            var incidents = new IncidentStore(s);
            return new WatchStore(s).Outages().Reverse().Take(200).Select(o => (
                Outage: o,
                Before: EventTimeline.KindsBetween(s, o.Start - LeadUp, o.Start),
                During: EventTimeline.KindsBetween(s, o.Start, (o.End ?? now.UtcDateTime).AddMinutes(1)),
                Incidents: incidents.OfOutage(o.Id))).ToList();
        }, http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.outages/1");
            w.WriteStartArray("outages");
            foreach (var (o, before, during, incidents) in outages)
            {
                w.WriteStartObject();
                WriteOutageFields(w, o);
                w.WriteString("detail", o.Detail);
                WriteKinds(w, "lead_up", before);
                WriteKinds(w, "during", during);
                w.WriteStartArray("incidents");
                foreach (var i in incidents)
                {
                    w.WriteStartObject();
                    w.WriteString("id", i.Id);
                    w.WriteString("layer", i.Layer.Name());
                    w.WriteNumber("confidence", Math.Round(i.Confidence, 2));
                    w.WriteString("summary", i.Summary);
                    w.WriteString("bundle", $"/api/incidents/{Uri.EscapeDataString(i.Id)}/bundle");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>An outage's id, probe, start, end (null while open) and cause: the timeline's bands and the outages page alike.</summary>
    private static void WriteOutageFields(Utf8JsonWriter w, Outage o)
    {
        w.WriteNumber("id", o.Id);
        w.WriteString("probe", o.Probe);
        w.WriteString("start", Iso(o.Start));
        if (o.End is { } end)
        {
            w.WriteString("end", Iso(end));
        }
        else
        {
            w.WriteNull("end");
        }
        w.WriteString("cause", o.Cause);
    }

    private static void WriteKinds(Utf8JsonWriter w, string name, IReadOnlyDictionary<EventKind, long> kinds)
    {
        w.WriteStartObject(name);
        foreach (var (kind, count) in kinds.OrderBy(k => k.Key.Name(), StringComparer.Ordinal))
        {
            w.WriteNumber(kind.Name(), count);
        }
        w.WriteEndObject();
    }

    /// <summary><c>uncloak.web.rdns/1</c>: <c>{"schema","address","name","error","cached"}</c>, bounded (<see cref="ReverseDns"/>).</summary>
    private async Task ReverseDnsAsync(HttpContext http, string address)
    {
        if (!System.Net.IPAddress.TryParse(address, out var ip))
        {
            await ApiErrorAsync(http, StatusCodes.Status400BadRequest, $"'{address}' is not an IP address").ConfigureAwait(false);
            return;
        }
        var answer = await _reverseDns.LookUpAsync(ip, http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.rdns/1");
            w.WriteString("address", ip.ToString());
            w.WriteString("name", answer.Name);
            w.WriteString("error", answer.Error);
            w.WriteBoolean("cached", answer.Cached);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary><c>uncloak.web.actions/1</c>: the newest 200 actions taken (scenarios' and people's), with who asked.</summary>
    private async Task ActionsAsync(HttpContext http)
    {
        var actions = await ReadAsync(s => new WatchStore(s).NewestActions(200), http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.actions/1");
            w.WriteStartArray("actions");
            foreach (var a in actions)
            {
                w.WriteStartObject();
                w.WriteString("time", Iso(a.Time));
                w.WriteString("scenario", a.Scenario);
                w.WriteString("by", a.Profile);
                w.WriteString("action", a.Action);
                w.WriteString("target", a.Target);
                w.WriteString("outcome", a.Outcome);
                w.WriteString("reason", a.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /api/stream</c>: server-sent events, an <c>overview</c> event (the status document) at once and every
    /// <see cref="StreamInterval"/> until the browser leaves or the daemon stops; at most <see cref="MaxStreams"/> at once.
    /// </summary>
    private async Task StreamAsync(HttpContext http)
    {
        if (Interlocked.Increment(ref _streams) > MaxStreams)
        {
            Interlocked.Decrement(ref _streams);
            await ApiErrorAsync(http, StatusCodes.Status503ServiceUnavailable, $"{MaxStreams} live views are open already").ConfigureAwait(false);
            return;
        }
        try
        {
            var response = http.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            // A browser that leaves is not always noticed at once (a closed socket shows on the next write); the daemon's
            // stop must not wait for that.
            using var both = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _closing.Token);
            var cancel = both.Token;
            using var timer = new PeriodicTimer(StreamInterval, _context.Time);
            do
            {
                byte[] status = await StatusAsync(cancel).ConfigureAwait(false);
                await response.Body.WriteAsync("event: overview\ndata: "u8.ToArray(), cancel).ConfigureAwait(false);
                // The status document is one line (compact JSON): one data field.
                await response.Body.WriteAsync(status, cancel).ConfigureAwait(false);
                await response.Body.WriteAsync("\n\n"u8.ToArray(), cancel).ConfigureAwait(false);
                await response.Body.FlushAsync(cancel).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The browser left, or the daemon is stopping: the stream ends, nothing else to do.
        }
        finally
        {
            Interlocked.Decrement(ref _streams);
        }
    }

    /// <summary>
    /// The actions: <c>POST /api/ban</c> <c>{"target","duration","reason"}</c> (escalation as the CLI's default),
    /// <c>POST /api/extend</c> <c>{"target","duration"}</c> (exactly that long from now, never shorter than in force),
    /// <c>POST /api/unban</c> <c>{"target"}</c>, <c>POST /logout</c>. Bans and unbans go to the engine, which runs them
    /// through its enforcer (safety rules, rate cap) and records them with the session as who.
    /// </summary>
    private async Task PostAsync(HttpContext http, string path, string session)
    {
        if (path == "/logout")
        {
            _sessions.End(session);
            http.Response.Cookies.Delete(CookieName);
            await JsonAsync(http, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.web.logout/1");
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }
        if (path is not ("/api/ban" or "/api/extend" or "/api/unban"))
        {
            await ApiErrorAsync(http, StatusCodes.Status404NotFound, "no such action: /api/ban, /api/extend, /api/unban").ConfigureAwait(false);
            return;
        }
        ActionRequest? asked;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
            asked = ActionRequest.From(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            await ApiErrorAsync(http, StatusCodes.Status400BadRequest, "the body is not JSON: " + e.Message).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e)
        {
            await ApiErrorAsync(http, StatusCodes.Status413PayloadTooLarge, e.Message).ConfigureAwait(false);
            return;
        }
        if (asked.Error is { } error)
        {
            await ApiErrorAsync(http, StatusCodes.Status400BadRequest, error).ConfigureAwait(false);
            return;
        }
        string who = WebSessions.Who(session);
        var action = asked.Action! with { Actor = who };
        var result = await _context.Engine.ActAsync(action, who, http.RequestAborted).ConfigureAwait(false);
        await JsonAsync(http, result.Done ? StatusCodes.Status200OK : StatusCodes.Status409Conflict, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.action/1");
            w.WriteString("action", path["/api/".Length..]);
            w.WriteString("target", action.Target.ToString());
            w.WriteBoolean("done", result.Done);
            w.WriteString("outcome", result.Text);
            w.WriteString("by", who);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static Task ApiErrorAsync(HttpContext http, int status, string message) => JsonAsync(http, status, w =>
    {
        w.WriteStartObject();
        w.WriteString("schema", "uncloak.web.error/1");
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    private static async Task JsonAsync(HttpContext http, int status, Action<Utf8JsonWriter> write)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            write(w);
        }
        http.Response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string Iso(DateTimeOffset t) => Iso(t.UtcDateTime);

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
