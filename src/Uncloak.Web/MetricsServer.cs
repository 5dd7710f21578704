using System.Net;
using System.Text;
using Uncloak.Daemon.Metrics;

namespace Uncloak.Web;

/// <summary>Serves <c>GET /metrics</c> (and <c>/healthz</c>) over plain HTTP on the configured address, 127.0.0.1 by default.</summary>
public sealed class MetricsServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly WatchMetrics _metrics;

    public MetricsServer(string host, int port, WatchMetrics metrics)
    {
        _metrics = metrics;
        var h = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        _listener.Prefixes.Add($"http://{h}:{port}/");
        Address = $"{h}:{port}";
    }

    public string Address { get; }

    /// <summary>Starts listening; throws <see cref="HttpListenerException"/> when the address is taken.</summary>
    public void Start() => _listener.Start();

    public async Task ServeAsync(CancellationToken cancel)
    {
        using var reg = cancel.Register(() => _listener.Stop());
        while (!cancel.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            try
            {
                var path = ctx.Request.Url?.AbsolutePath;
                byte[] body;
                if (path == "/metrics")
                {
                    body = Encoding.UTF8.GetBytes(_metrics.Render());
                    ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                }
                else if (path == "/healthz")
                {
                    body = "ok\n"u8.ToArray();
                    ctx.Response.ContentType = "text/plain";
                }
                else
                {
                    ctx.Response.StatusCode = 404;
                    body = "try /metrics\n"u8.ToArray();
                }
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body, cancel).ConfigureAwait(false);
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The scraper hung up mid-response; the next scrape is independent.
            }
        }
    }

    public void Dispose() => ((IDisposable)_listener).Dispose();
}
