namespace Uncloak.Linux.Sockets;

/// <summary>What happened to the sockets of a <see cref="Uncloak.Core.Signals.KillPlan"/>.</summary>
public sealed record KillResult(int Killed, int AlreadyGone, int Failed, int FirstErrno);
