namespace Uncloak.Linux.Processes;

/// <summary>An external program could not be started: not installed (the message names it and where it was looked for) or not executable.</summary>
public sealed class CommandException : Exception
{
    public CommandException()
    {
    }

    public CommandException(string message)
        : base(message)
    {
    }

    public CommandException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
