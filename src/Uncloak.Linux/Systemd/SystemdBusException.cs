namespace Uncloak.Linux.Systemd;

/// <summary>
/// A unit action over D-Bus failed. <see cref="Unreachable"/> says the bus, or systemd on it, could not be reached at all
/// (no dbus-daemon, systemd not PID 1): the caller may fall back to <c>systemctl</c>, which also knows systemd's private socket.
/// </summary>
public sealed class SystemdBusException : Exception
{
    public SystemdBusException(string message, bool unreachable, Exception? inner = null)
        : base(message, inner)
    {
        Unreachable = unreachable;
    }

    public SystemdBusException()
    {
    }

    public SystemdBusException(string message)
        : base(message)
    {
    }

    public SystemdBusException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public bool Unreachable { get; }
}
