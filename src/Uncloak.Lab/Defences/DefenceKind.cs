namespace Uncloak.Lab.Defences;

/// <summary>
/// What protects the victim during a cell. Every defence starts from the same server namespace; SYN cookies are off only
/// in <see cref="None"/> (a namespace's own default is on, so "none" has to switch them off to show an unprotected server).
/// </summary>
public enum DefenceKind
{
    /// <summary>Nothing: SYN cookies off, no firewall rule, no daemon.</summary>
    None,

    /// <summary>net.ipv4.tcp_syncookies=1 inside the server namespace.</summary>
    SynCookies,

    /// <summary>SYN cookies plus an nft rule dropping SYNs to the port above 25/s (burst 50): the classic advice, kept for the record.</summary>
    SynRateLimit,

    /// <summary>SYN cookies plus Uncloak: zero-window holders found in the socket table are killed (SOCK_DESTROY) and banned.</summary>
    Uncloak,
}

/// <summary>Command-line names of <see cref="DefenceKind"/>.</summary>
public static class DefenceNames
{
    public static readonly IReadOnlyList<(DefenceKind Kind, string Name)> All =
    [
        (DefenceKind.None, "none"), (DefenceKind.SynCookies, "syncookies"), (DefenceKind.SynRateLimit, "synlimit"), (DefenceKind.Uncloak, "uncloak"),
    ];

    public static string Name(this DefenceKind kind) => All.First(d => d.Kind == kind).Name;

    public static bool TryParse(string text, out DefenceKind kind)
    {
        foreach (var (k, n) in All)
        {
            if (string.Equals(n, text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
