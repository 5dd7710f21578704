using System.Net.Http.Json;
using System.Net.Mail;
using System.Threading.Channels;
using Uncloak.Config;
using Uncloak.Core.Alerts;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Metrics;

namespace Uncloak.Daemon.Alerts;

/// <summary>
/// Sends alerts: every alert that passes the throttle goes to the journal (a log line at its severity) and, when
/// configured, to a webhook (JSON POST) and by e-mail (SMTP). De-duplicated per key and rate-limited per minute
/// (<see cref="AlertThrottle"/>). Network sinks run on a background task so a slow mail server never stalls detection;
/// their failures are logged, never retried in a loop. The alert action of <see cref="IEnforcer"/>.
/// </summary>
public sealed class AlertDispatcher : IEnforcer, IAsyncDisposable
{
    private readonly AlertConfig _config;
    private readonly WatchLog _log;
    private readonly WatchMetrics _metrics;
    private readonly AlertThrottle _throttle;
    private readonly Channel<Alert> _outbox = Channel.CreateBounded<Alert>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Task _sender;

    public sealed record Alert(DateTime Time, string Severity, string Title, string Text, string Key, int HeldBack);

    /// <summary>How many of the newest alerts <see cref="Recent"/> keeps (for <c>uncloak status</c>).</summary>
    public const int RecentKept = 20;

    private readonly Queue<(Alert Alert, bool Sent)> _recent = new(RecentKept);
    private readonly Lock _recentLock = new();

    /// <summary>The newest alerts raised (sent or held back by the throttle), oldest first; at most <see cref="RecentKept"/>.</summary>
    public IReadOnlyList<(Alert Alert, bool Sent)> Recent()
    {
        lock (_recentLock)
        {
            return [.. _recent];
        }
    }

    private void Remember(Alert alert, bool sent)
    {
        lock (_recentLock)
        {
            if (_recent.Count == RecentKept)
            {
                _recent.Dequeue();
            }
            _recent.Enqueue((alert, sent));
        }
    }

    public AlertDispatcher(AlertConfig config, WatchLog log, WatchMetrics metrics)
    {
        _config = config;
        _log = log;
        _metrics = metrics;
        _throttle = new AlertThrottle(config.PerMinute, config.Dedupe);
        _sender = Task.Run(SendLoopAsync);
    }

    public bool Enforces(EnforcementKind kind) => kind == EnforcementKind.Alert;

    /// <summary>Raises the alert now; not <see cref="EnforcementResult.Done"/> when the throttle held it back.</summary>
    public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.Kind != EnforcementKind.Alert)
        {
            return EnforcementResult.RecordedOnly($"{action.Kind} is not an alert");
        }
        string severity = action.Severity switch { AlertSeverity.Critical => "critical", AlertSeverity.Warning => "warning", _ => "notice" };
        return Raise(now.UtcDateTime, severity, action.Key, action.Title, action.Body)
            ? new EnforcementResult(true, "sent", 1)
            : new EnforcementResult(false, "suppressed (duplicate or rate limit)");
    }

    private bool Raise(DateTime now, string severity, string key, string title, string text)
    {
        if (!_throttle.TryPass(key, now, out int heldBack))
        {
            Remember(new Alert(now, severity, title, text, key, 0), sent: false);
            _metrics.AlertSuppressed();
            _log.AlertSuppressed(key, title);
            return false;
        }
        _metrics.AlertSent();
        Remember(new Alert(now, severity, title, text, key, heldBack), sent: true);
        int level = severity switch { "critical" => WatchLog.Error, "warning" => WatchLog.Warning, _ => WatchLog.Notice };
        _log.AlertRaised(level, title, severity, key, text, heldBack);
        if (_config.Webhook is not null || _config.Smtp is not null)
        {
            _outbox.Writer.TryWrite(new Alert(now, severity, title, text, key, heldBack));
        }
        return true;
    }

    private async Task SendLoopAsync()
    {
        await foreach (var alert in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (_config.Webhook is { } url)
            {
                try
                {
                    var body = new WebhookAlertJson(alert.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture), alert.Severity,
                        alert.Title, alert.Text, alert.Key, alert.HeldBack, Environment.MachineName);
                    using var response = await _http.PostAsJsonAsync(url, body, AlertJson.Default.WebhookAlertJson).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        _log.WebhookRefused(url, (int)response.StatusCode);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    _log.WebhookUnreachable(url, e.Message);
                }
            }
            if (_config.Smtp is { } smtp)
            {
                try
                {
                    using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.StartTls, Timeout = 10_000 };
                    using var message = new MailMessage { From = new MailAddress(smtp.From), Subject = $"[uncloak {alert.Severity}] {Environment.MachineName}: {alert.Title}", Body = alert.Text + (alert.HeldBack > 0 ? $"\n\n({alert.HeldBack} alerts held back before this one)" : "") };
                    foreach (var to in smtp.To)
                    {
                        message.To.Add(to);
                    }
                    await client.SendMailAsync(message).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SmtpException or InvalidOperationException or FormatException)
                {
                    _log.SmtpFailed(smtp.Host, e.Message);
                }
            }
        }
    }

    /// <summary>Sends what is queued (bounded by the sinks' own timeouts), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _sender.ConfigureAwait(false);
        _http.Dispose();
    }
}
