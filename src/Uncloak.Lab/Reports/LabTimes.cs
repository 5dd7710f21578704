using System.Globalization;
using Uncloak.Lab.Runs;

namespace Uncloak.Lab.Reports;

/// <summary>The short texts of a cell's defence figures, shared by the terminal table and the HTML page.</summary>
public static class LabTimes
{
    /// <summary>"detect / ban / recover" in seconds from the attack's start ("2.1 / 2.2 / 2.6 s"); "–" for a figure that does not exist.</summary>
    public static string Text(CellResult c)
    {
        static string S(TimeSpan? t) => t is { } v ? Math.Max(0, v.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture) : "–";
        return c.Uncloak is { } u ? $"{S(u.DetectedAfter)} / {S(u.BannedAfter)} / {S(c.RecoveredAfter)} s" : $"– / – / {S(c.RecoveredAfter)} s";
    }

    /// <summary>What the daemon's bans were: targets and packets dropped, "none", or "–" without the daemon.</summary>
    public static string Bans(CellResult c) => c.Uncloak is not { } u ? "–"
        : u.Bans.Banned.Count == 0 ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{string.Join(" ", u.Bans.Banned)} ({u.Bans.DroppedPackets:N0} pkts dropped)");
}
