namespace Uncloak.Core.Audit;

/// <summary>One call site from the control file: line, function, whether "p" (print) is on, and its format text.</summary>
public sealed record DynamicDebugSite(int Line, string Function, bool Enabled, string Format);
