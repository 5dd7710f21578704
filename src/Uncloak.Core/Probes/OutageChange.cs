namespace Uncloak.Core.Probes;

public enum OutageChange : byte
{
    None,
    Started,
    Ended,
}
