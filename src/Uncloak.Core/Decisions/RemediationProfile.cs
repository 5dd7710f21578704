
namespace Uncloak.Core.Decisions;

/// <summary>
/// What to do when a scenario fires, kept apart from detection (CrowdSec's profiles): ban for how long and with
/// what escalation, kill the peer's sockets, alert, run host checks, or only pretend (<see cref="Simulate"/>).
/// </summary>
public sealed record RemediationProfile
{
    public required string Name { get; init; }

    /// <summary>Ban the alert's peer or network; null for no ban.</summary>
    public BanAction? Ban { get; init; }

    /// <summary>Destroy the peer's established connections after the ban holds (sock_diag SOCK_DESTROY).</summary>
    public bool KillSockets { get; init; }

    /// <summary>Send an alert (the journal always gets one; webhook/SMTP per config).</summary>
    public bool Alert { get; init; } = true;

    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    /// <summary>Host checks to run and report with the alert (SYN cookies and backlog for a SYN flood).</summary>
    public IReadOnlyList<HostCheck> Checks { get; init; } = [];

    /// <summary>Record what would be done, do nothing.</summary>
    public bool Simulate { get; init; }

    public string Origin { get; init; } = "";

    /// <summary>True when the profile would change the host (ban or kill), which spoofable scenarios must not ask for.</summary>
    public bool Acts => Ban is not null || KillSockets;
}
