namespace Uncloak.Core.Decisions;

/// <summary>How many sockets the kill action destroyed and how many it could not (already closed, or the kernel refused).</summary>
public readonly record struct ConnectionKillResult(int Destroyed, int Failed);
