using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// A run of one peer's events of one kind that belong together: for treason lines one stall (same ports and snd_una,
/// as <see cref="TreasonEpisode"/> and the scenarios count them), for every other kind events no more than
/// <see cref="PeerEpisodes.Gap"/> apart.
/// </summary>
public readonly record struct PeerEpisode(EventKind Kind, ushort LocalPort, DateTime First, DateTime Last, long Events);
