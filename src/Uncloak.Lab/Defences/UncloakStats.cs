using System.Globalization;
using Uncloak.Store.Watch;

namespace Uncloak.Lab.Defences;

/// <summary>
/// What the real daemon did during a cell: its decisions (from its store), the bans the kernel held (from the server
/// namespace's sets), and the times from the attack's start to the first decision (<see cref="DetectedAfter"/>) and to the
/// first ban element in the kernel (<see cref="BannedAfter"/>).
/// </summary>
public sealed record UncloakStats(IReadOnlyList<DaemonDecision> Decisions, BanSighting Bans, TimeSpan? DetectedAfter, TimeSpan? BannedAfter)
{
    /// <summary>Sockets the daemon destroyed, as its kill decisions recorded them ("killed N socket(s)").</summary>
    public int SocketsKilled => Decisions.Where(d => d.Action == "kill_sockets").Sum(d => KilledIn(d.Outcome));

    /// <summary>
    /// The cell's figures from the daemon's actions (times relative to <paramref name="attackStart"/>, UTC) and the kernel's
    /// sets, watched from the attack's start.
    /// </summary>
    public static UncloakStats From(IReadOnlyList<ActionRecord> actions, DateTime attackStart, BanSighting bans)
    {
        var decisions = actions.Select(a => new DaemonDecision(a.Time - attackStart, a.Scenario, a.Action, a.Target, a.Outcome)).ToList();
        TimeSpan? detected = decisions.Count == 0 ? null : decisions.Min(d => d.After);
        return new UncloakStats(decisions, bans, detected, bans.FirstBanAfter);
    }

    private static int KilledIn(string outcome)
    {
        const string Prefix = "killed ";
        if (!outcome.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return 0;
        }
        var rest = outcome.AsSpan(Prefix.Length);
        int end = rest.IndexOfAnyExceptInRange('0', '9');
        return int.TryParse(end < 0 ? rest : rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
    }
}
