using Uncloak.Core.Forensics.Incidents;

namespace Uncloak.Daemon.Forensics;

/// <summary>
/// What a capture gave: the incident with its verdict and bundle path (null when it failed, with <see cref="Error"/>),
/// the parts that could not be captured, and the bundles retention removed to make room.
/// </summary>
public sealed record CaptureOutcome(CaptureRequest Request, Incident? Incident, string? Error, IReadOnlyList<string> Problems, IReadOnlyList<string> Pruned);
