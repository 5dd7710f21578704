namespace Uncloak.Core.Decisions;

public enum AlertSeverity : byte
{
    Notice,
    Warning,
    Critical,
}
