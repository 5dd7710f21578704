using Uncloak.Core.Decisions;
using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>
/// Events in, planned actions out: the scenario engine followed by the remediation planner. One instance per
/// daemon (or replay); single-threaded. The live daemon and <c>watch --replay</c> both run exactly this.
/// </summary>
public sealed class DetectionPipeline
{
    private readonly List<ScenarioAlert> _alerts = new(4);

    public DetectionPipeline(IReadOnlyList<Scenario> scenarios, IReadOnlyDictionary<string, RemediationProfile> profiles, bool simulateAll)
    {
        Engine = new ScenarioEngine(scenarios);
        Planner = new RemediationPlanner(profiles, simulateAll);
    }

    public ScenarioEngine Engine { get; }

    public RemediationPlanner Planner { get; }

    /// <summary>Counts <paramref name="ev"/>; returns true when alerts fired, with their actions appended to <paramref name="actions"/>.</summary>
    public bool Process(in NetEvent ev, List<RemediationAction> actions)
    {
        _alerts.Clear();
        Engine.Process(ev, _alerts);
        if (_alerts.Count == 0)
        {
            return false;
        }
        foreach (var alert in _alerts)
        {
            actions.AddRange(Planner.Plan(alert));
        }
        return true;
    }
}
