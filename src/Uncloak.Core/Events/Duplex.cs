namespace Uncloak.Core.Events;

public enum Duplex : byte
{
    Unknown = 0,
    Half = 1,
    Full = 2,
}
