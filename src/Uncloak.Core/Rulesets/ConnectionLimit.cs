namespace Uncloak.Core.Rulesets;

/// <summary>At most <see cref="PerSource"/> concurrent connections from one source address to these TCP ports (<c>ct count</c>).</summary>
public sealed record ConnectionLimit(IReadOnlyList<int> Ports, int PerSource)
{
    /// <summary>Parses <c>80,443:100</c> (ports, a colon, the limit).</summary>
    public static bool TryParse(string text, out ConnectionLimit? limit)
    {
        limit = null;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int max) || max < 1)
        {
            return false;
        }
        var ports = new List<int>();
        foreach (var p in text[..colon].Split(','))
        {
            if (!int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                return false;
            }
            ports.Add(port);
        }
        limit = new ConnectionLimit([.. ports.Distinct().Order()], max);
        return true;
    }

    public override string ToString() => $"{string.Join(',', Ports)}:{PerSource}";
}
