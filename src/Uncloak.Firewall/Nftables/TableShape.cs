namespace Uncloak.Firewall.Nftables;

/// <summary>
/// The kernel's handles of the ban table and its chain. Table handles are never reused in a network namespace, and a
/// chain's handle is never reused within its table, so the same shape means neither was deleted and made again in
/// between — something a lost deletion notification would otherwise hide once the daemon has recreated the table.
/// </summary>
public readonly record struct TableShape(long Table, long Chain);
