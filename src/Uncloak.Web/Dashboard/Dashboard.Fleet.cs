using Microsoft.AspNetCore.Http;
using NATS.Client.Core;
using Uncloak.Config;
using Uncloak.Fleet;
using Uncloak.Fleet.Hosts;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// The fleet page's API: every host's heartbeat from the cluster (<c>uncloak fleet status --json</c>'s data), read at
/// most every 15 s; "not configured" when the config has no <c>fleet:</c> section.
/// </summary>
public sealed partial class Dashboard
{
    private static readonly TimeSpan FleetFreshFor = TimeSpan.FromSeconds(15);

    private readonly SemaphoreSlim _fleetLock = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<HostRecord>? Hosts, string? Error)? _lastFleet;

    /// <summary>
    /// <c>uncloak.web.fleet/1</c>: <c>{"schema","configured","servers","read","error","hosts":[{host,version,seen,state,
    /// bans_in_force,by_origin,applied,refused}]}</c>; <c>state</c> is <c>up</c> or <c>silent</c>.
    /// </summary>
    private async Task FleetAsync(HttpContext http)
    {
        if (_context.Config.Fleet is not { } fleet)
        {
            await JsonAsync(http, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                w.WriteString("schema", "uncloak.web.fleet/1");
                w.WriteBoolean("configured", false);
                w.WriteStartArray("hosts");
                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }
        (DateTimeOffset At, IReadOnlyList<HostRecord>? Hosts, string? Error) read;
        await _fleetLock.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            var now = _context.Time.GetUtcNow();
            if (_lastFleet is not { } last || now - last.At >= FleetFreshFor)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    _lastFleet = (now, await FleetHosts.ReadAsync(fleet, timeout.Token).ConfigureAwait(false), null);
                }
                catch (Exception e) when (e is NatsException or TimeoutException || (e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
                {
                    _lastFleet = (now, null, FleetConnection.Describe(e));
                }
            }
            read = _lastFleet.Value;
        }
        finally
        {
            _fleetLock.Release();
        }
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.fleet/1");
            w.WriteBoolean("configured", true);
            w.WriteStartArray("servers");
            foreach (var s in fleet.Servers)
            {
                w.WriteStringValue(FleetConfig.Shown(s));
            }
            w.WriteEndArray();
            w.WriteString("read", Iso(read.At));
            if (read.Error is null)
            {
                w.WriteNull("error");
            }
            else
            {
                w.WriteString("error", $"cannot read the fleet: {read.Error}");
            }
            w.WriteStartArray("hosts");
            foreach (var h in read.Hosts ?? [])
            {
                w.WriteStartObject();
                w.WriteString("host", h.Host);
                w.WriteString("version", h.Version);
                w.WriteString("seen", Iso(h.Seen));
                w.WriteString("state", read.At - h.Seen > fleet.SilentAfter ? "silent" : "up");
                w.WriteNumber("bans_in_force", h.BansInForce);
                w.WriteStartObject("by_origin");
                foreach (var (origin, count) in h.BansByOrigin.OrderBy(o => o.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(origin, count);
                }
                w.WriteEndObject();
                w.WriteNumber("applied", h.Applied);
                w.WriteNumber("refused", h.Refused);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }
}
