namespace Uncloak.Linux.Files;

/// <summary>A log that cannot be read, with the file's name in the message.</summary>
public sealed class LogInputException : IOException
{
    public LogInputException(string path, string problem)
        : base($"{path}: {problem}")
    {
        Path = path;
    }

    public LogInputException()
    {
        Path = "";
    }

    public LogInputException(string message, Exception inner)
        : base(message, inner)
    {
        Path = "";
    }

    public string Path { get; }
}
