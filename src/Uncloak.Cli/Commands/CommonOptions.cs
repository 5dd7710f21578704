using System.CommandLine;

namespace Uncloak.Cli.Commands;

/// <summary>Options every command spells the same way.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of the human view." };

    public static Option<string?> Db() => new("--db")
    {
        Description = "SQLite store to use (default: /var/lib/uncloak/uncloak.db as root, ~/.local/share/uncloak/uncloak.db otherwise).",
        HelpName = "PATH",
    };
}
