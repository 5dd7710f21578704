namespace Uncloak.Core.Enforcement;

/// <summary>What an <see cref="IEnforcer"/> is asked to do. Incident capture (issue 12) joins as one more kind.</summary>
public enum EnforcementKind : byte
{
    /// <summary>Drop a network's packets for a while (the kernel's ban set, through the decision store).</summary>
    Ban,

    /// <summary>Lift the bans in force on a network.</summary>
    Unban,

    /// <summary>Destroy the established connections of a network (sock_diag SOCK_DESTROY).</summary>
    Kill,

    /// <summary>Tell a human (journal, SMTP, webhook), throttled per key.</summary>
    Alert,

    /// <summary>Run a probe's outage remedy: its steps in order (commands, unit restarts).</summary>
    Remedy,
}
