using Uncloak.Core.Enforcement;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// Every action this host can carry out, as one <see cref="IEnforcer"/>: each action goes to the first part that enforces
/// its kind (the firewall for bans, the socket kill, the alert dispatcher, the remedy runner). A kind no part enforces
/// (no firewall backend: <c>firewall: off</c>, or nftables/iptables missing) is recorded only, and the result says why.
/// Owns nothing: the parts are disposed by whoever made them.
/// </summary>
public sealed class Enforcers(IReadOnlyList<IEnforcer> parts) : IEnforcer
{
    public bool Enforces(EnforcementKind kind) => parts.Any(p => p.Enforces(kind));

    public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        foreach (var part in parts)
        {
            if (part.Enforces(action.Kind))
            {
                return part.Execute(action, now);
            }
        }
        return action.Kind is EnforcementKind.Ban or EnforcementKind.Unban
            ? EnforcementResult.RecordedOnly("no firewall backend (firewall: off, or nftables/iptables missing)")
            : EnforcementResult.RecordedOnly($"nothing here carries out {action.Kind.ToString().ToLowerInvariant()}");
    }

    public int? BansInForce(DateTimeOffset now)
    {
        foreach (var part in parts)
        {
            if (part.BansInForce(now) is { } n)
            {
                return n;
            }
        }
        return null;
    }

    /// <summary>Every part's repair, joined; null when none had anything to do.</summary>
    public string? Maintain()
    {
        var done = parts.Select(p => p.Maintain()).OfType<string>().ToList();
        return done.Count == 0 ? null : string.Join("; ", done);
    }
}
