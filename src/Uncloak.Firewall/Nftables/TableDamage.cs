namespace Uncloak.Firewall.Nftables;

/// <summary>What <see cref="NftTableMonitor"/> has seen happen to the ban table since it was last asked.</summary>
public enum TableDamage
{
    /// <summary>Nothing: every notification was read and none deleted the table or one of its chains, sets or rules.</summary>
    None,

    /// <summary>
    /// Notifications were lost (the socket's buffer overran, ENOBUFS), none read deleted anything: a lost one may have.
    /// A large element commit (the daemon's own 100,000-ban batch announces every element) is the usual cause, so
    /// the owner checks the table's structure cheaply (<see cref="NftFirewallBackend.Shape"/>) before a full reconcile.
    /// </summary>
    Unsure,

    /// <summary>The kernel announced the deletion of the table, or of one of its chains, sets or rules.</summary>
    Deleted,
}
