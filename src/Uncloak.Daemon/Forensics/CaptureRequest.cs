using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Incidents;

namespace Uncloak.Daemon.Forensics;

/// <summary>
/// One capture the engine asks for: the start of an incident (<see cref="Closing"/> false: before = the last baseline,
/// during = now) or its end (after = now), with the probe results and kernel lines the engine kept in memory.
/// </summary>
public sealed record CaptureRequest(Incident Incident, bool Closing, IReadOnlyList<VantageProbe> Probes, IReadOnlyList<(DateTime Time, string Text)> Kernel);
