using Uncloak.Core.Detection;

namespace Uncloak.Core.Decisions;

/// <summary>
/// Turns an alert into the actions of its scenario's profile. Pure; safety (allowlists, rate caps, escalation
/// counting) is the decision policy's job downstream. Guard rails that belong to the data are enforced here too:
/// a scenario over spoofable events never yields a ban or a kill, whatever its profile says (validation refuses
/// such a pairing, this is the second lock).
/// </summary>
public sealed class RemediationPlanner
{
    private readonly IReadOnlyDictionary<string, RemediationProfile> _profiles;

    public RemediationPlanner(IReadOnlyDictionary<string, RemediationProfile> profiles, bool simulateAll)
    {
        _profiles = profiles;
        SimulateAll = simulateAll;
    }

    /// <summary>Global dry run (<c>watch --simulate</c>, or replay): every action is recorded, none is carried out.</summary>
    public bool SimulateAll { get; }

    public IReadOnlyList<RemediationAction> Plan(ScenarioAlert alert)
    {
        if (!_profiles.TryGetValue(alert.Scenario.Profile, out var profile))
        {
            throw new InvalidOperationException($"scenario {alert.Scenario.Name} names profile '{alert.Scenario.Profile}' which validation should have refused");
        }
        bool simulated = SimulateAll || profile.Simulate;
        var actions = new List<RemediationAction>(4);
        bool mayAct = !alert.Scenario.CountsSpoofable && alert.Key.HasAddress;
        if (profile.Ban is { } ban && mayAct)
        {
            actions.Add(new RemediationAction
            {
                Kind = RemediationKind.Ban,
                Alert = alert,
                Profile = profile.Name,
                Target = alert.Key.Address,
                PrefixLength = alert.Key.PrefixLength,
                Duration = ban.Duration,
                EscalateFactor = ban.EscalateFactor,
                MaxDuration = ban.MaxDuration,
                Severity = profile.Severity,
                Simulated = simulated,
            });
        }
        if (profile.KillSockets && mayAct)
        {
            actions.Add(new RemediationAction
            {
                Kind = RemediationKind.KillSockets,
                Alert = alert,
                Profile = profile.Name,
                Target = alert.Key.Address,
                PrefixLength = alert.Key.PrefixLength,
                Severity = profile.Severity,
                Simulated = simulated,
            });
        }
        foreach (var check in profile.Checks)
        {
            actions.Add(new RemediationAction { Kind = RemediationKind.Check, Alert = alert, Profile = profile.Name, Check = check, Severity = profile.Severity, Simulated = false });
        }
        if (profile.Alert)
        {
            actions.Add(new RemediationAction { Kind = RemediationKind.Alert, Alert = alert, Profile = profile.Name, Severity = profile.Severity, Simulated = false });
        }
        return actions;
    }
}
