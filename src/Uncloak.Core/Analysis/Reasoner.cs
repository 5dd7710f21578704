using Uncloak.Core.Analysis.Rules;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Turns the counted evidence into conclusions the way an expert reads a kernel log: lines of one stall are
/// one episode; ports tell who connected to whom; many unrelated peers are background, one peer is a
/// suspect; and nothing is judged alone — each family is weighed against what else happened around it.
/// Every finding carries its evidence and its reasoning. Each line of reasoning is a rule in <c>Rules/</c>.
/// </summary>
public static class Reasoner
{
    /// <summary>How far before a disruption an event counts as "preceding" it.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromMinutes(10);

    /// <summary>Every rule, in the order findings are listed; the verdict comes last because it reads the others.</summary>
    public static IReadOnlyList<FindingRule> Rules { get; } =
    [
        new AttackRule(),
        new TreasonRule(),
        new SynFloodRule(),
        new ConntrackRule(),
        new TcpMemoryRule(),
        new NeighbourRule(),
        new WindowScaleRule(),
        new NicRule(),
        new FirewallRule(),
        new MartianRule(),
        new SuppressionRule(),
        new CorrelationRule(),
        new OverallRule(),
    ];

    public static IReadOnlyList<Finding> Conclude(AnalysisReport r)
    {
        var findings = new List<Finding>();
        foreach (var rule in Rules)
        {
            rule.Apply(r, findings);
        }
        return findings;
    }
}
