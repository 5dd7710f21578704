namespace Uncloak.Lab.Attacks;

/// <summary>
/// What an attack did. <see cref="Sent"/> counts packets for raw-socket attacks and requests plus reads for the slow reader;
/// <see cref="Established"/> counts completed handshakes, <see cref="Reset"/> connections the server reset or closed on it,
/// <see cref="HeldAtEnd"/> connections still held when it stopped.
/// </summary>
public sealed record AttackStats(long Sent, long Received, int Established, int Reset, int HeldAtEnd, TimeSpan Elapsed, string StoppedBecause);
