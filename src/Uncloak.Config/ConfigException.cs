namespace Uncloak.Config;

/// <summary>Thrown when configuration is invalid; carries every error found, not just the first.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public ConfigException()
        : this([])
    {
    }

    public ConfigException(string message)
        : base(message)
    {
        Errors = [new ConfigError("", 0, 0, message)];
    }

    public ConfigException(string message, Exception inner)
        : base(message, inner)
    {
        Errors = [new ConfigError("", 0, 0, message)];
    }

    public IReadOnlyList<ConfigError> Errors { get; } = [];
}
