namespace Uncloak.Core.Audit;

/// <summary>How much a check matters. A High check that is not met fails; Medium and Low ones warn. Weights the score 3/2/1.</summary>
public enum Severity
{
    Low = 1,
    Medium = 2,
    High = 3,
}
