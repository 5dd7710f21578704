using Uncloak.Lab.Runs;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>How the lab's Uncloak defence bans peers: not yet wired to an enforcer (kills only).</summary>
internal static class LabBans
{
    public static CellRunner.BanFactory? Factory => null;
}
