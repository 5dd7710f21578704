using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Uncloak.Config;
using Uncloak.Daemon;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Metrics;
using Uncloak.Linux.Files;
using Uncloak.Store;
using Uncloak.Web.Auth;

namespace Uncloak.Web;

/// <summary>
/// Serves <c>GET /metrics</c> (Prometheus text format 0.0.4) and <c>GET /healthz</c> over plain HTTP/1.1 on Kestrel,
/// 127.0.0.1:9477 by default. The listener is a guest in the daemon: every resource a peer can make it hold is capped
/// (<see cref="MetricsLimits"/>) — request line, headers and body sizes, the time to send the headers, idle keep-alive
/// connections, and the number of open connections — so hostile or broken scrapers can neither take the file descriptors
/// the sources need nor grow the daemon's memory. Any Host header is accepted on these two paths (the bind address is the
/// access control); the dashboard, when on, shares the listener and the limits and checks Host, session and antiforgery
/// itself (<see cref="Dashboard.Dashboard"/>).
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private readonly KestrelServer _server;

    private readonly Dashboard.Dashboard? _dashboard;

    private MetricsServer(KestrelServer server, string address, Dashboard.Dashboard? dashboard)
    {
        _server = server;
        Address = address;
        _dashboard = dashboard;
    }

    /// <summary>The first address served, as <c>host:port</c> (IPv6 in brackets).</summary>
    public string Address { get; }

    /// <summary>
    /// Starts the daemon's web side from its config: <c>/metrics</c> and <c>/healthz</c> on the metrics address, and when
    /// <c>web.enabled</c> the dashboard (<see cref="Dashboard.Dashboard"/>) on <c>web.listen</c> (the same listener when the
    /// addresses are equal) and <c>web.socket</c>, after writing a fresh login token to <c>web.token_file</c>. Logs what it
    /// serves. Throws <see cref="IOException"/> when an address cannot be bound or the token cannot be written.
    /// </summary>
    public static async Task<MetricsServer> StartAsync(WatchWebContext context, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = context.Config;
        var endpoints = new List<(string Host, int Port)>();
        if (config.Metrics is not null)
        {
            WatchConfigLoader.TrySplitHostPort(config.Metrics, out var host, out int port);
            endpoints.Add((host, port));
        }
        Dashboard.Dashboard? dashboard = null;
        if (config.Web.Enabled)
        {
            WatchConfigLoader.TrySplitHostPort(config.Web.Listen, out var host, out int port);
            if (!endpoints.Contains((host, port)))
            {
                endpoints.Add((host, port));
            }
            var token = WebToken.Create();
            token.WriteTo(config.Web.TokenFile);
            try
            {
                dashboard = new Dashboard.Dashboard(context, token, new HostNames(host, port), port);
            }
            catch (StoreException e)
            {
                throw new IOException(e.Message, e);
            }
        }
        var bound = new List<(IReadOnlyList<IPAddress>, int)>();
        foreach (var (host, port) in endpoints)
        {
            bound.Add((await ResolveAsync(host, cancel).ConfigureAwait(false), port));
        }
        string? socket = config.Web.Enabled ? config.Web.Socket : null;
        if (socket is not null && File.Exists(socket))
        {
            // A socket file left by a daemon that died; anything else at that path is not ours to remove.
            if (!UnixSocketFile.IsSocket(socket))
            {
                throw new IOException($"{socket} exists and is not a socket; not replacing it");
            }
            File.Delete(socket);
        }
        var server = await StartAsync(bound, socket, context.Metrics, context.Log, dashboard, cancel).ConfigureAwait(false);
        if (config.Metrics is not null)
        {
            context.Log.MetricsServing(server.Address);
        }
        if (dashboard is not null)
        {
            if (socket is not null)
            {
                File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            context.Log.WebServing("http://" + config.Web.Listen + "/" + (socket is null ? "" : " and unix:" + socket), config.Web.TokenFile);
        }
        return server;
    }

    /// <summary>
    /// Binds and starts serving. A host is an IP address (<c>0.0.0.0</c> and <c>::</c> for every address), <c>localhost</c>
    /// (both loopbacks) or a host name resolved once before. Throws <see cref="IOException"/> when an address cannot be
    /// bound (taken, or not an address of this host).
    /// </summary>
    private static async Task<MetricsServer> StartAsync(List<(IReadOnlyList<IPAddress> Addresses, int Port)> endpoints, string? socket, WatchMetrics metrics,
        WatchLog log, Dashboard.Dashboard? dashboard, CancellationToken cancel)
    {
        // Kestrel alone, without a web host around it: the daemon has its own configuration, logging (the journal's logfmt
        // lines), signals and lifetime, and two paths need no routing or dependency injection. The host's builder, even the
        // empty one, brought its service container, configuration and hosting code into the Native AOT binary, and every
        // type in it costs the idle daemon resident memory (the type data the runtime writes out at start, and the mapped
        // binary); docs/PERFORMANCE.md, issue 11.
        var options = new KestrelServerOptions { AddServerHeader = false };
        MetricsLimits.Apply(options.Limits);
        foreach (var (addresses, port) in endpoints)
        {
            foreach (var ip in addresses)
            {
                options.Listen(ip, port, l => l.Protocols = HttpProtocols.Http1);
            }
        }
        if (socket is not null)
        {
            options.ListenUnixSocket(socket, l => l.Protocols = HttpProtocols.Http1);
        }
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        var server = new KestrelServer(Options.Create(options), transport, NullLoggerFactory.Instance);
        var handler = new MetricsHandler(metrics, log, dashboard);
        try
        {
            await server.StartAsync(new Application(handler.ServeAsync), cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
        {
            server.Dispose();
            dashboard?.Dispose();
            throw new IOException(e.Message, e);
        }
        string address = endpoints.Count == 0 ? "unix:" + socket
            : endpoints[0].Addresses.Count == 1 ? $"{Show(endpoints[0].Addresses[0])}:{endpoints[0].Port}" : $"localhost:{endpoints[0].Port}";
        return new MetricsServer(server, address, dashboard);
    }

    private static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancel)
    {
        if (IPAddress.TryParse(host, out var ip))
        {
            return [ip];
        }
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        }
        try
        {
            var found = await Dns.GetHostAddressesAsync(host, cancel).ConfigureAwait(false);
            return found.Length > 0 ? found : throw new IOException($"'{host}' resolves to no address");
        }
        catch (SocketException e)
        {
            throw new IOException($"'{host}' does not resolve: {e.Message}", e);
        }
    }

    private static string Show(IPAddress address)
        => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>Stops listening; open scrapes get two seconds to finish, then are cut.</summary>
    public async ValueTask DisposeAsync()
    {
        _dashboard?.CloseStreams();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _server.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A scraper that does not finish within the timeout is cut; stopping the daemon does not wait for it.
        }
        _server.Dispose();
        _dashboard?.Dispose();
    }

    /// <summary>
    /// What Kestrel calls for each request: a plain <see cref="DefaultHttpContext"/> over the connection's features (no
    /// request services: nothing here resolves any), handed to <paramref name="serve"/>.
    /// </summary>
    private sealed class Application(RequestDelegate serve) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => serve(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }

    /// <summary>
    /// The two paths; anything but GET/HEAD on them is 405; any other path goes to the dashboard when this connection
    /// reached one of its listeners, else 404.
    /// </summary>
    private sealed class MetricsHandler(WatchMetrics metrics, WatchLog log, Dashboard.Dashboard? dashboard)
    {
        private static readonly byte[] Ok = "ok\n"u8.ToArray();
        private static readonly byte[] NotFound = "try /metrics\n"u8.ToArray();

        /// <summary>
        /// Answers one request. A failure inside is logged with its stack before the 500 goes out: Kestrel runs here with no
        /// logger, so its 500 alone left no trace (a scrape racing the engine once failed unexplained).
        /// </summary>
        public async Task ServeAsync(HttpContext context)
        {
            try
            {
                await RouteAsync(context).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                log.WebRequestFailed(context.Request.Method, context.Request.Path.Value ?? "", e.ToString());
                if (!context.Response.HasStarted)
                {
                    context.Response.Clear();
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                }
                else
                {
                    context.Abort();
                }
            }
        }

        private Task RouteAsync(HttpContext context)
        {
            var request = context.Request;
            var response = context.Response;
            byte[] body;
            switch (request.Path.Value)
            {
                case "/metrics" or "/healthz" when !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method):
                    response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    response.Headers.Allow = "GET, HEAD";
                    return Task.CompletedTask;
                case "/metrics":
                    body = Encoding.UTF8.GetBytes(metrics.Render());
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    break;
                case "/healthz":
                    body = Ok;
                    response.ContentType = "text/plain";
                    break;
                case var _ when dashboard is not null && dashboard.Serves(context):
                    return dashboard.ServeAsync(context);
                default:
                    response.StatusCode = StatusCodes.Status404NotFound;
                    body = NotFound;
                    break;
            }
            response.ContentLength = body.Length;
            return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        }
    }
}
