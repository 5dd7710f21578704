using Microsoft.AspNetCore.Http;
using Uncloak.Daemon;
using Uncloak.Store;
using Uncloak.Web.Auth;

namespace Uncloak.Web.Dashboard;

/// <summary>
/// The dashboard behind the daemon's web listener (docs/web.md): pages, their JSON API, live updates. Every request
/// passes the same gate: the <c>Host</c> header must be one of ours (<see cref="HostNames"/>; requests over the unix
/// socket come from this host and skip it), every page and API needs a session cookie made by <c>/login?token=…</c>,
/// and every POST also needs the session's antiforgery token (<see cref="WebSessions"/>) in the
/// <c>X-Uncloak-Antiforgery</c> header. Every answer carries the CSP <c>default-src 'self'</c>: the pages load nothing
/// from elsewhere and run no inline script.
/// </summary>
public sealed partial class Dashboard : IDisposable
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "uncloak_session";

    /// <summary>The header that carries the antiforgery token on a POST.</summary>
    public const string AntiforgeryHeader = "X-Uncloak-Antiforgery";

    /// <summary>The content security policy of every answer.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly WatchWebContext _context;
    private readonly WebToken _token;
    private readonly WebSessions _sessions;
    private readonly HostNames _hosts;
    private readonly int _port;

    /// <summary>The store, read through its own connection; one query at a time (a SQLite connection is not thread-safe).</summary>
    private readonly SqliteStore _reader;
    private readonly SemaphoreSlim _readerLock = new(1, 1);

    private readonly ReverseDns _reverseDns;

    /// <summary>Cancelled when the daemon stops: live streams never end on their own, so they must not hold the shutdown.</summary>
    private readonly CancellationTokenSource _closing = new();

    /// <summary>Serves on listeners bound to <paramref name="port"/> (and unix sockets); answers only <paramref name="hosts"/>.</summary>
    public Dashboard(WatchWebContext context, WebToken token, HostNames hosts, int port)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _token = token;
        _hosts = hosts;
        _port = port;
        _sessions = new WebSessions(context.Time, context.Config.Web.SessionLifetime);
        _reader = SqliteStore.OpenReader(context.StorePath);
        _reverseDns = new ReverseDns(context.Time);
    }

    /// <summary>Whether this connection reached a dashboard listener (its TCP port, or a unix socket).</summary>
    public bool Serves(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Connection.LocalIpAddress is null || http.Connection.LocalPort == _port;
    }

    /// <summary>Answers one request; never throws for what a client sent.</summary>
    public async Task ServeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        var response = http.Response;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        // A unix socket's peer is on this host (and has no Host worth checking behind a proxy); a TCP peer must name us.
        if (http.Connection.LocalIpAddress is not null && !_hosts.Allows(request.Host.Value))
        {
            await PlainAsync(http, StatusCodes.Status421MisdirectedRequest, "unknown Host: the dashboard answers only the names it listens on\n").ConfigureAwait(false);
            return;
        }
        string path = request.Path.Value ?? "/";
        if (path.StartsWith("/assets/", StringComparison.Ordinal))
        {
            await Assets.ServeAsync(http, path).ConfigureAwait(false);
            return;
        }
        if (path == "/favicon.ico")
        {
            // Browsers ask for it on their own; no icon, and no 404 in the console.
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        if (path == "/login")
        {
            await LoginAsync(http).ConfigureAwait(false);
            return;
        }
        string? session = request.Cookies[CookieName];
        if (!_sessions.IsValid(session))
        {
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                await ApiErrorAsync(http, StatusCodes.Status401Unauthorized, "no session: log in with the link 'uncloak web url' prints").ConfigureAwait(false);
            }
            else
            {
                await PageAsync(http, StatusCodes.Status401Unauthorized, "login", "Log in", null).ConfigureAwait(false);
            }
            return;
        }
        if (HttpMethods.IsPost(request.Method))
        {
            if (!_sessions.CheckAntiforgery(session!, request.Headers[AntiforgeryHeader]))
            {
                await ApiErrorAsync(http, StatusCodes.Status403Forbidden, "missing or wrong antiforgery token").ConfigureAwait(false);
                return;
            }
            await PostAsync(http, path, session!).ConfigureAwait(false);
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.Headers.Allow = "GET, HEAD, POST";
            await PlainAsync(http, StatusCodes.Status405MethodNotAllowed, "method not allowed\n").ConfigureAwait(false);
            return;
        }
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            await GetApiAsync(http, path).ConfigureAwait(false);
            return;
        }
        if (Pages.Find(path) is { } page)
        {
            await PageAsync(http, StatusCodes.Status200OK, page.Name, page.Title, _sessions.Antiforgery(session!)).ConfigureAwait(false);
            return;
        }
        await PlainAsync(http, StatusCodes.Status404NotFound, "no such page\n").ConfigureAwait(false);
    }

    /// <summary><c>GET /login?token=…</c>: the token for a session cookie, then to the overview (the token leaves the address bar).</summary>
    private async Task LoginAsync(HttpContext http)
    {
        if (!_token.Matches(http.Request.Query["token"]))
        {
            await PageAsync(http, StatusCodes.Status403Forbidden, "login", "Log in", null).ConfigureAwait(false);
            return;
        }
        string session = _sessions.Start();
        http.Response.Cookies.Append(CookieName, session, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = _sessions.Lifetime,
            Secure = http.Request.IsHttps,
        });
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = "/";
    }

    private static Task PlainAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        return http.Response.WriteAsync(text, http.RequestAborted);
    }

    /// <summary>Runs <paramref name="read"/> on the reader connection, one at a time.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteStore, T> read, CancellationToken cancel)
    {
        await _readerLock.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            return read(_reader);
        }
        finally
        {
            _readerLock.Release();
        }
    }

    /// <summary>Ends every live stream now (called before the listener stops, which waits for open requests).</summary>
    public void CloseStreams() => _closing.Cancel();

    public void Dispose()
    {
        _closing.Dispose();
        _reader.Dispose();
        _readerLock.Dispose();
        _reverseDns.Dispose();
        _auditLock.Dispose();
        _fleetLock.Dispose();
    }
}
