using System.Net.Sockets;
using System.Text;

namespace Uncloak.Daemon.Systemd;

/// <summary>
/// sd_notify(3) without libsystemd: datagrams to $NOTIFY_SOCKET (READY=1, RELOADING=1, STOPPING=1, WATCHDOG=1,
/// STATUS=…). Does nothing when not started by systemd. The watchdog interval comes from $WATCHDOG_USEC.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SystemdNotifier()
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        // An abstract socket is written with a leading '@' and addressed with a leading NUL.
        _endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        // Non-blocking: a notify socket nobody reads (a harness, a wedged manager) fills up, and a blocking send would then
        // stall the engine's loop. A notification that does not fit is dropped; the next one says the same.
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
        if (long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long usec) && usec > 0)
        {
            WatchdogInterval = TimeSpan.FromTicks(usec * 10);
        }
    }

    public bool Enabled => _socket is not null;

    /// <summary>How often systemd expects WATCHDOG=1, or null when no watchdog is configured.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public void Notify(string state)
    {
        if (_socket is null || _endpoint is null)
        {
            return;
        }
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), _endpoint);
        }
        catch (SocketException)
        {
            // systemd went away, or its socket is full (a harness that does not read): notifications are advisory.
        }
    }

    public void Dispose() => _socket?.Dispose();
}
