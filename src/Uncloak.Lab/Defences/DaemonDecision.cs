namespace Uncloak.Lab.Defences;

/// <summary>One action the daemon recorded: how long after the attack began, which scenario, what (ban, kill_sockets, alert…), on what, and its outcome.</summary>
public sealed record DaemonDecision(TimeSpan After, string Scenario, string Action, string Target, string Outcome);
