using System.Net.Sockets;
using System.Text;
using Uncloak.Linux.Files;

namespace Uncloak.Daemon.Control;

/// <summary>
/// The daemon's control socket: a unix stream socket (default <see cref="DefaultPath"/>, mode 0600) that answers one
/// request per connection with one JSON document, then closes. It is a guest in the daemon, so every resource a local
/// client can make it hold is capped: <see cref="MaxConnections"/> at once (more are closed unanswered), a request is one
/// line of at most <see cref="MaxRequestBytes"/> bytes sent within <see cref="RequestTimeout"/>, and only root or the
/// daemon's own user is answered (SO_PEERCRED, besides the file mode). Anything else gets an error document, never an
/// exception in the daemon. Created at start, removed on dispose; a stale socket file left by a crash is replaced, a
/// socket another daemon still answers on is not.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    /// <summary>Where <c>uncloak watch</c> listens and <c>uncloak status</c> asks, unless configured otherwise.</summary>
    public const string DefaultPath = "/run/uncloak/control.sock";

    /// <summary>The longest request line accepted, newline included.</summary>
    public const int MaxRequestBytes = 256;

    /// <summary>Connections served at once.</summary>
    public const int MaxConnections = 8;

    /// <summary>Time a client has to send its request line, and the engine has to answer it.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    private readonly Socket _listener;
    private readonly Func<string, CancellationToken, Task<byte[]>> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Task _accepting;
    private readonly uint _ownUid = UnixSocketFile.EffectiveUid;

    private ControlServer(string path, Socket listener, Func<string, CancellationToken, Task<byte[]>> answer)
    {
        Path = path;
        _listener = listener;
        _answer = answer;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>
    /// Binds <paramref name="path"/> (creating its directory, mode 0755) and starts answering: <paramref name="answer"/>
    /// gets the request word (<c>status</c> or <c>capture</c>) and returns the JSON document to send. Throws <see cref="IOException"/> when the
    /// path is held by another live daemon, is not a socket, or cannot be bound (permissions).
    /// </summary>
    public static ControlServer Start(string path, Func<string, CancellationToken, Task<byte[]>> answer)
    {
        try
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (dir is not null && !Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
            RemoveStale(path);
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                listener.Bind(new UnixDomainSocketEndPoint(path));
                // Before listen(): no client can connect until the mode is root-only.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                listener.Listen(MaxConnections);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
            return new ControlServer(path, listener, answer);
        }
        catch (Exception e) when (e is SocketException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot serve the control socket {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Serves <paramref name="engine"/>'s status on <paramref name="path"/> (null: off). A daemon that cannot have its
    /// control socket (not root, another daemon holds the path) still runs: detection matters more than <c>status</c>, and
    /// the log says why <c>uncloak status</c> will not reach it.
    /// </summary>
    public static ControlServer? TryStart(string? path, WatchEngine engine, Logging.WatchLog log)
    {
        if (path is null)
        {
            return null;
        }
        try
        {
            var server = Start(path, (request, cancel) => request == "capture" ? engine.CaptureNowAsync(cancel) : engine.StatusAsync(cancel));
            Logging.LogEvents.ControlServing(log, path);
            return server;
        }
        catch (IOException e)
        {
            Logging.LogEvents.ControlUnavailable(log, e.Message);
            return null;
        }
    }

    /// <summary>A socket file nobody answers on is left over from a crash: unlink it. Anything else is not ours to remove.</summary>
    private static void RemoveStale(string path)
    {
        if (!UnixSocketFile.IsSocket(path))
        {
            if (File.Exists(path) || Directory.Exists(path))
            {
                throw new IOException($"{path} exists and is not a socket; not replacing it");
            }
            return;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused)
        {
            File.Delete(path);
            return;
        }
        throw new IOException($"another daemon answers on {path}");
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }
            if (!_slots.Wait(0))
            {
                // Over the cap: closing at once costs nothing and holds nothing.
                client.Dispose();
                continue;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            using (client)
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(RequestTimeout);
                byte[] reply;
                if (!UnixSocketFile.TryPeerUid(client, out uint uid) || (uid != 0 && uid != _ownUid))
                {
                    reply = Error("permission denied: only root and the daemon's user may ask");
                }
                else if (await ReadRequestAsync(client, timeout.Token).ConfigureAwait(false) is not { } request)
                {
                    reply = Error($"a request is one line of at most {MaxRequestBytes} bytes (e.g. \"status\\n\"), sent within {RequestTimeout.TotalSeconds:0} s");
                }
                else if (request is not ("status" or "capture"))
                {
                    reply = Error($"unknown request '{Printable(request)}' (known: status, capture)");
                }
                else
                {
                    try
                    {
                        reply = await _answer(request, timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                    {
                        reply = Error($"the daemon runs but its engine did not answer within {RequestTimeout.TotalSeconds:0} s (busy, or held by a store retry: see its log)");
                    }
                }
                using var send = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                send.CancelAfter(RequestTimeout);
                await SendAsync(client, reply, send.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // A client that left, stalled past the timeout or stopped reading: nothing to tell it, nothing held.
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>One line up to <see cref="MaxRequestBytes"/>; null when longer or cut off. Cancelled (no answer at all) when not sent in time.</summary>
    private static async Task<string?> ReadRequestAsync(Socket client, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        int length = 0;
        while (length < buffer.Length)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancel).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            int newline = Array.IndexOf(buffer, (byte)'\n', length, n);
            length += n;
            if (newline >= 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, newline).Trim();
            }
        }
        return null;
    }

    private static async Task SendAsync(Socket client, byte[] reply, CancellationToken cancel)
    {
        int sent = 0;
        while (sent < reply.Length)
        {
            sent += await client.SendAsync(reply.AsMemory(sent), SocketFlags.None, cancel).ConfigureAwait(false);
        }
        client.Shutdown(SocketShutdown.Send);
    }

    private static string Printable(string request)
        => new([.. request.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);

    /// <summary>The error document: <c>{"schema":"uncloak.control.error/1","error":"…"}</c>.</summary>
    public static byte[] Error(string message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.control.error/1");
            w.WriteString("error", message);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Stops accepting, waits for the accept loop, and removes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Already gone (someone removed it): nothing to clean.
        }
        _stop.Dispose();
    }
}
