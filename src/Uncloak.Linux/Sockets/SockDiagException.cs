namespace Uncloak.Linux.Sockets;

/// <summary>The kernel's socket-diagnostics interface could not be used (no permission, no kernel support, a broken reply).</summary>
public sealed class SockDiagException : Exception
{
    public SockDiagException(string message, int errno)
        : base(message)
    {
        Errno = errno;
    }

    public SockDiagException(string message)
        : base(message)
    {
    }

    public SockDiagException()
    {
    }

    public SockDiagException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The errno that caused it, 0 when none.</summary>
    public int Errno { get; }
}
