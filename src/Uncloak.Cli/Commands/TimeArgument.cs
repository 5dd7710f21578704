using System.Globalization;
using Uncloak.Core.Decisions;

namespace Uncloak.Cli.Commands;

/// <summary>A point in time as commands take it: a duration back from now (<c>30s</c>, <c>10m</c>, <c>1h</c>, <c>7d</c>) or an RFC 3339 time.</summary>
public static class TimeArgument
{
    /// <summary>False when <paramref name="text"/> is neither; a time without an offset is read as UTC.</summary>
    public static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        if (DurationText.TryParse(text, out var back))
        {
            since = now - back;
            return true;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out since);
    }
}
