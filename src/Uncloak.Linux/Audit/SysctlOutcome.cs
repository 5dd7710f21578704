using Uncloak.Core.Audit;

namespace Uncloak.Linux.Audit;

/// <summary>The outcome of one key: the value before, what reads back now, and whether it matches.</summary>
public sealed record SysctlOutcome(SysctlChange Change, string? Before, string? After, bool Verified, string? Error);
