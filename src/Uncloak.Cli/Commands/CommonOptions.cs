using System.CommandLine;

namespace Uncloak.Cli.Commands;

/// <summary>Options every command spells the same way.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print machine-readable JSON instead of the human view." };

    /// <summary>
    /// A time flag as every command spells it: a duration (<c>30s</c>, <c>10m</c>, <c>1h</c>) or,
    /// as before, a bare number of seconds (<c>2</c>, <c>0.5</c>). A bad value is a usage error (exit 2) naming the flag.
    /// </summary>
    public static Option<TimeSpan> Interval(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        DefaultValueFactory = _ => fallback,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (Uncloak.Core.Decisions.DurationText.TryParse(text, out var span))
            {
                return span;
            }
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 86_400)
            {
                return TimeSpan.FromSeconds(seconds);
            }
            r.AddError($"{name} {text}: not a duration (30s, 10m, 1h) or a number of seconds");
            return fallback;
        },
    };

    public static Option<string?> Db() => new("--db")
    {
        Description = "SQLite store to use (default: /var/lib/uncloak/uncloak.db as root, ~/.local/share/uncloak/uncloak.db otherwise).",
        HelpName = "PATH",
    };
}
