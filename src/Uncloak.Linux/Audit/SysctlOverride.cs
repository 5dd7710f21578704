using Uncloak.Core.Audit;

namespace Uncloak.Linux.Audit;

/// <summary>A line in a later sysctl file that sets a changed key to another value at boot.</summary>
public sealed record SysctlOverride(SysctlChange Change, string File, int Line, string Value);
