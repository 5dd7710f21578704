namespace Uncloak.Core.Decisions;

/// <summary>Read-only checks of the host's defences, reported with an alert.</summary>
public enum HostCheck : byte
{
    /// <summary>net.ipv4.tcp_syncookies is 1 (cookies when the queue overflows) or 2 (always).</summary>
    SynCookies,

    /// <summary>net.ipv4.tcp_max_syn_backlog and net.core.somaxconn are large enough for a public server.</summary>
    Backlog,
}
