namespace Uncloak.Daemon.Control;

/// <summary>No daemon answered on the control socket; the message says why (missing, refused, not allowed, timed out).</summary>
public sealed class ControlUnavailableException : Exception
{
    public ControlUnavailableException(string message) : base(message)
    {
    }

    public ControlUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }

    public ControlUnavailableException()
    {
    }
}
