using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Victim;

/// <summary>
/// The built-in victim: Kestrel in this process, its listening socket created inside the server namespace, with a fixed
/// connection limit and no minimum response data rate, so it behaves like a prefork server whose workers wait as long as a
/// peer keeps the connection alive. Connections over the limit are accepted and closed at once (the client sees EOF).
/// </summary>
public sealed class KestrelVictim : IVictim
{
    private readonly KestrelServer _server;

    private KestrelVictim(KestrelServer server, int workers)
    {
        _server = server;
        Workers = workers;
    }

    public string Description => $"kestrel ({Workers} connections, backlog {Backlog})";

    public int Workers { get; }

    /// <summary>The listen backlog (Apache's ListenBacklog is 511; a smaller one makes SYN floods bite the same way).</summary>
    public const int Backlog = 128;

    public static async Task<KestrelVictim> StartAsync(string serverNamespace, int workers, CancellationToken cancel)
    {
        // Kestrel alone, as the daemon's web side runs it (Uncloak.Web's MetricsServer): a web host's builder, even the
        // empty one, kept the service container, configuration and hosting code in the single uncloak binary, and every
        // type there costs the idle daemon resident memory; docs/PERFORMANCE.md, issue 11.
        var options = new KestrelServerOptions { AddServerHeader = false };
        options.Limits.MaxConcurrentConnections = workers;
        options.Limits.MinResponseDataRate = null; // a prefork worker waits for a slow peer as long as TCP keeps the connection
        options.Limits.MinRequestBodyDataRate = null;
        options.Listen(Topology.LabNames.ServerAddress, Topology.LabNames.HttpPort);
        options.Listen(Topology.LabNames.ServerAddress6, Topology.LabNames.HttpPort);
        var transportOptions = new SocketTransportOptions
        {
            Backlog = Backlog,
            // The socket is created (and bound) on a thread inside the namespace; it stays there whichever thread listens.
            CreateBoundListenSocket = endpoint => NetNamespace.Run(serverNamespace, () => SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint)),
        };
        var transport = new SocketTransportFactory(Options.Create(transportOptions), NullLoggerFactory.Instance);
        var server = new KestrelServer(Options.Create(options), transport, NullLoggerFactory.Instance);
        try
        {
            await server.StartAsync(new Application(), cancel).ConfigureAwait(false);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return new KestrelVictim(server, workers);
    }

    private static Task Serve(HttpContext context)
    {
        var body = context.Request.Path.Value switch
        {
            VictimContent.SmallPath => VictimContent.Small,
            VictimContent.BigPath => VictimContent.Big,
            _ => null,
        };
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        context.Response.ContentType = body == VictimContent.Small ? "text/html" : "application/octet-stream";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _server.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Connections held by an attacker do not drain: stopping gives up on them after the timeout, as intended.
        }
        _server.Dispose();
    }

    /// <summary>What Kestrel calls for each request: a plain <see cref="DefaultHttpContext"/> over the connection's features.</summary>
    private sealed class Application : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => Serve(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
