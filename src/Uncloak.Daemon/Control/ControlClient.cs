using System.Net.Sockets;
using System.Text;

namespace Uncloak.Daemon.Control;

/// <summary>
/// Asks a running daemon over its control socket (<see cref="ControlServer"/>): one request line, one JSON document back.
/// Throws <see cref="ControlUnavailableException"/> when no daemon answers there (no socket, nobody listening, not
/// allowed, or no reply in time), with a message a person can act on.
/// </summary>
public static class ControlClient
{
    /// <summary>The largest reply read: a status document is a few kilobytes; anything past this is not the daemon.</summary>
    public const int MaxReplyBytes = 4 << 20;

    public static async Task<byte[]> AskAsync(string path, string request, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), deadline.Token).ConfigureAwait(false);
            await socket.SendAsync(Encoding.UTF8.GetBytes(request + "\n"), SocketFlags.None, deadline.Token).ConfigureAwait(false);
            var reply = new MemoryStream();
            var buffer = new byte[16384];
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                if (reply.Length + n > MaxReplyBytes)
                {
                    throw new ControlUnavailableException($"the reply on {path} is over {MaxReplyBytes} bytes: not an uncloak daemon");
                }
                reply.Write(buffer, 0, n);
            }
            if (reply.Length == 0)
            {
                throw new ControlUnavailableException($"the daemon on {path} closed without an answer");
            }
            return reply.ToArray();
        }
        catch (SocketException e)
        {
            string why = e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "no control socket there",
                SocketError.ConnectionRefused => "nobody listens on it (a daemon that crashed leaves the file behind)",
                SocketError.AccessDenied => "permission denied (the control socket is root-only: run as root)",
                _ => e.Message,
            };
            throw new ControlUnavailableException($"no uncloak daemon answers on {path}: {why}", e);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new ControlUnavailableException($"the daemon on {path} did not answer within {timeout.TotalSeconds:0} s");
        }
    }
}
