namespace Uncloak.Lab.Defences;

/// <summary>What Uncloak did during a cell: sweeps of the socket table, sockets destroyed, peers banned, packets the bans dropped.</summary>
public sealed record DefenderStats(int Sweeps, int SocketsKilled, IReadOnlyList<string> Banned, TimeSpan? FirstKillAfter)
{
    public long BanDrops { get; init; }
}
