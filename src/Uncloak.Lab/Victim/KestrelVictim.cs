using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Victim;

/// <summary>
/// The built-in victim: Kestrel in this process, its listening socket created inside the server namespace, with a fixed
/// connection limit and no minimum response data rate, so it behaves like a prefork server whose workers wait as long as a
/// peer keeps the connection alive. Connections over the limit are accepted and closed at once (the client sees EOF).
/// </summary>
public sealed class KestrelVictim : IVictim
{
    private readonly WebApplication _app;

    private KestrelVictim(WebApplication app, int workers)
    {
        _app = app;
        Workers = workers;
    }

    public string Description => $"kestrel ({Workers} connections, backlog {Backlog})";

    public int Workers { get; }

    /// <summary>The listen backlog (Apache's ListenBacklog is 511; a smaller one makes SYN floods bite the same way).</summary>
    public const int Backlog = 128;

    public static async Task<KestrelVictim> StartAsync(string serverNamespace, int workers, CancellationToken cancel)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseSockets(o =>
        {
            o.Backlog = Backlog;
            // The socket is created (and bound) on a thread inside the namespace; it stays there whichever thread listens.
            o.CreateBoundListenSocket = endpoint => NetNamespace.Run(serverNamespace, () => SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint));
        });
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxConcurrentConnections = workers;
            o.Limits.MinResponseDataRate = null; // a prefork worker waits for a slow peer as long as TCP keeps the connection
            o.Limits.MinRequestBodyDataRate = null;
            o.AddServerHeader = false;
            o.Listen(Topology.LabNames.ServerAddress, Topology.LabNames.HttpPort);
            o.Listen(Topology.LabNames.ServerAddress6, Topology.LabNames.HttpPort);
        });
        var app = builder.Build();
        app.Run(Serve);
        await app.StartAsync(cancel);
        return new KestrelVictim(app, workers);
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
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Connections held by an attacker do not drain: stopping gives up on them after the timeout, as intended.
        }
        await _app.DisposeAsync();
    }
}
