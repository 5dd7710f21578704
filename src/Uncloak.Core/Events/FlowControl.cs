namespace Uncloak.Core.Events;

/// <summary>Pause-frame settings a NIC reported at link-up.</summary>
[Flags]
public enum FlowControl : byte
{
    Unknown = 0,
    None = 1,
    Rx = 2,
    Tx = 4,
    RxTx = Rx | Tx,
}
