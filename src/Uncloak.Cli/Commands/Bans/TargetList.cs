using System.Globalization;
using Uncloak.Core.Decisions;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>
/// Plain address lists and CIDR files: one address or network per line; the first field counts (so
/// "198.18.0.5 # scanner" and "198.18.0.5,2026-11-25" work); blank lines and lines starting with '#' or ';' are skipped.
/// </summary>
public static class TargetList
{
    /// <summary>Every target in order, and "LINE: reason" for each line that is not one.</summary>
    public static (List<BanTarget> Targets, List<string> Errors) Parse(IEnumerable<string> lines, int v6Prefix)
    {
        var targets = new List<BanTarget>();
        var errors = new List<string>();
        int n = 0;
        foreach (var raw in lines)
        {
            n++;
            var line = raw.AsSpan().Trim();
            if (line.IsEmpty || line[0] == '#' || line[0] == ';')
            {
                continue;
            }
            int end = line.IndexOfAny(" \t,;#");
            var field = end < 0 ? line : line[..end];
            if (BanTarget.TryParse(field, out var t, v6Prefix))
            {
                targets.Add(t);
            }
            else
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{n}: '{field}' is not an address or CIDR network"));
            }
        }
        return (targets, errors);
    }
}
