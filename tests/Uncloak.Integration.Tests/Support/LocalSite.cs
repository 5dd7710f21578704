using System.Net;

namespace Uncloak.Integration.Tests.Support;

/// <summary>The "victim" web server for probe tests: on 127.0.0.1, answering 200 "ok" until told to fail with 503.</summary>
internal sealed class LocalSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public LocalSite(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public volatile bool Failing;

    /// <summary>Bodies of POST requests (the daemon's webhook alerts when pointed here).</summary>
    public List<string> Posts { get; } = [];

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                if (ctx.Request.HttpMethod == "POST")
                {
                    using var reader = new StreamReader(ctx.Request.InputStream);
                    var body = await reader.ReadToEndAsync();
                    lock (Posts)
                    {
                        Posts.Add(body);
                    }
                    ctx.Response.StatusCode = 204;
                    ctx.Response.Close();
                    continue;
                }
                ctx.Response.StatusCode = Failing ? 503 : 200;
                var answer = Failing ? "down\n"u8.ToArray() : "ok\n"u8.ToArray();
                await ctx.Response.OutputStream.WriteAsync(answer);
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The probe gave up (its timeout) before we answered: the next request is independent.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _serving.Wait(TimeSpan.FromSeconds(5));
        ((IDisposable)_listener).Dispose();
    }
}
