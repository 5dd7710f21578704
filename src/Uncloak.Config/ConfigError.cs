namespace Uncloak.Config;

/// <summary>One problem in a configuration file, located for the admin's editor.</summary>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}
