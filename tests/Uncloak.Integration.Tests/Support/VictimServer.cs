using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A tiny web server with a fixed pool of workers, like a prefork server: <c>GET /health</c> answers "ok" at once;
/// any other path streams a large body and holds its worker until the client has read it all (or the connection dies).
/// Two clients that never read therefore take every worker and the site stops answering: the outage the daemon must
/// end by killing their sockets. The listener is created inside the namespace of the caller's choosing.
/// </summary>
internal sealed class VictimServer : IDisposable
{
    private readonly Socket _listener;
    private readonly SemaphoreSlim _workers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _accept;

    public VictimServer(Socket listener, int workers)
    {
        _listener = listener;
        _workers = new SemaphoreSlim(workers, workers);
        _accept = new Thread(AcceptLoop) { IsBackground = true, Name = "victim-accept" };
        _accept.Start();
    }

    public static Socket Listen(IPAddress address, int port)
    {
        var l = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(address, port));
        l.Listen(64);
        return l;
    }

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket conn;
            try
            {
                conn = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            // Like a prefork server: the connection waits in line for a free worker.
            _ = Task.Run(async () =>
            {
                await _workers.WaitAsync(_stop.Token);
                try
                {
                    Serve(conn);
                }
                finally
                {
                    _workers.Release();
                    conn.Dispose();
                }
            });
        }
    }

    private void Serve(Socket conn)
    {
        try
        {
            conn.ReceiveTimeout = 5000;
            var buf = new byte[2048];
            int n = conn.Receive(buf);
            var request = Encoding.ASCII.GetString(buf, 0, n);
            if (request.StartsWith("GET /health", StringComparison.Ordinal))
            {
                conn.Send("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"u8);
                return;
            }
            conn.Send("HTTP/1.0 200 OK\r\nContent-Length: 67108864\r\n\r\n"u8);
            // 64 MiB in 64 KiB chunks, blocking: the worker is held for as long as the client does not read (bounded by the body).
            conn.SendTimeout = 0;
            var chunk = new byte[64 * 1024];
            for (int i = 0; i < 1024 && !_stop.IsCancellationRequested; i++)
            {
                conn.Send(chunk);
            }
        }
        catch (SocketException)
        {
            // The connection was reset (killed by the daemon, or the client left): the worker is free again.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _accept.Join(TimeSpan.FromSeconds(5));
    }
}
