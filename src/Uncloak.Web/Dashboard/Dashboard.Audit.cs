using Microsoft.AspNetCore.Http;
using Uncloak.Core.Audit;
using Uncloak.Linux.Audit;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// The audit page's API: <c>uncloak audit --json</c>'s report of this host, read-only (never <c>--fix</c>), taken at
/// most once a minute however often the page is opened.
/// </summary>
public sealed partial class Dashboard
{
    /// <summary>How long one audit is shown before a page view takes a new one.</summary>
    public static readonly TimeSpan AuditFreshFor = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _auditLock = new(1, 1);
    private (DateTimeOffset At, AuditReport Report)? _lastAudit;

    /// <summary><c>uncloak.web.audit/1</c>: <c>{"schema","time","report": uncloak.audit/1}</c>.</summary>
    private async Task AuditAsync(HttpContext http)
    {
        DateTimeOffset at;
        AuditReport report;
        await _auditLock.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        try
        {
            var now = _context.Time.GetUtcNow();
            if (_lastAudit is not { } last || now - last.At >= AuditFreshFor)
            {
                // Reading the snapshot is file and ioctl reads (a few ms); off the request thread, bounded all the same.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                try
                {
                    var snapshot = await Task.Run(() => new SnapshotReader("/").Read(), timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
                    _lastAudit = (now, Auditor.Run(snapshot, AuditSelection.All));
                }
                catch (InvalidDataException e)
                {
                    await ApiErrorAsync(http, StatusCodes.Status500InternalServerError, "the host's snapshot could not be read: " + e.Message).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
                {
                    await ApiErrorAsync(http, StatusCodes.Status503ServiceUnavailable, "reading the host's snapshot took over 10 s").ConfigureAwait(false);
                    return;
                }
            }
            (at, report) = _lastAudit.Value;
        }
        finally
        {
            _auditLock.Release();
        }
        await JsonAsync(http, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.web.audit/1");
            w.WriteString("time", Iso(at));
            w.WritePropertyName("report");
            AuditReportJson.Write(w, report);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }
}
