namespace Uncloak.Core.Analysis.Rules;

/// <summary>
/// One line of reasoning over the report, usually about one message family: it reads the counted evidence and adds
/// the findings it supports (or none). Rules run in <see cref="Reasoner.Rules"/> order and may read what earlier
/// rules concluded.
/// </summary>
public abstract class FindingRule
{
    /// <summary>Adds this rule's findings for <paramref name="r"/> to <paramref name="findings"/>.</summary>
    public abstract void Apply(AnalysisReport r, List<Finding> findings);
}
