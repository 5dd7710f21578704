namespace Uncloak.Daemon;

/// <summary>The daemon could not start for a reason of the environment (an address already taken); the message says which and what to do.</summary>
public sealed class WatchStartException : Exception
{
    public WatchStartException()
    {
    }

    public WatchStartException(string message)
        : base(message)
    {
    }

    public WatchStartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
