using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;

namespace Uncloak.Daemon.Replay;

/// <summary>
/// <c>watch --replay</c>: the live engine's detection pipeline over recorded events, on their own clock, every action
/// simulated. Collects each alert with the actions it would have taken; <see cref="AlertRaised"/> sees them as they come.
/// </summary>
public sealed class ReplayDetector(DetectionPipeline pipeline) : IEventSink
{
    private readonly List<RemediationAction> _actions = [];

    /// <summary>One alert and what it would have done, in human phrases ("ban 192.0.2.7 1h").</summary>
    public sealed record ReplayAlert(string Scenario, string Key, string Summary, DateTime First, DateTime Time, int Events, IReadOnlyList<string> Actions);

    public long Events { get; private set; }

    public List<ReplayAlert> Alerts { get; } = [];

    /// <summary>Called for each alert as it fires (the terminal prints it live).</summary>
    public Action<ReplayAlert>? AlertRaised { get; init; }

    public void Add(in NetEvent ev, ReadOnlySpan<byte> message)
    {
        Events++;
        _actions.Clear();
        if (!pipeline.Process(ev, _actions))
        {
            return;
        }
        foreach (var group in _actions.GroupBy(a => a.Alert))
        {
            var alert = group.Key;
            var entry = new ReplayAlert(alert.Scenario.Name, alert.Key.ToString(), alert.Summary, alert.First, alert.Time, alert.Events, [.. group.Select(Describe)]);
            Alerts.Add(entry);
            AlertRaised?.Invoke(entry);
        }
    }

    private static string Describe(RemediationAction a) => a.Kind switch
    {
        RemediationKind.Ban => $"ban {a.TargetText} {DurationText.Format(a.Duration)}",
        RemediationKind.KillSockets => $"kill {a.TargetText}",
        RemediationKind.Check => $"check {(a.Check == HostCheck.SynCookies ? "syn_cookies" : "backlog")}",
        _ => $"alert {a.Severity.ToString().ToLowerInvariant()}",
    };
}
