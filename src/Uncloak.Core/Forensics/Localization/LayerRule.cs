namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// One layer's reading of the evidence, like the analysis rules (Analysis/Rules): it looks for the facts that put the
/// fault in its layer, weighs them, and writes down why. Pure: evidence in, finding out.
/// </summary>
public abstract class LayerRule
{
    public abstract Layer Layer { get; }

    public LayerFinding Evaluate(IncidentEvidence evidence)
    {
        var finding = new LayerFinding(Layer);
        Apply(evidence, finding);
        return finding;
    }

    protected abstract void Apply(IncidentEvidence e, LayerFinding f);

    /// <summary>"+123 since the last snapshot" or "123 since boot (no baseline)".</summary>
    protected static string GrowthText(long value, bool delta)
        => delta ? $"+{value:N0} since the snapshot before the outage" : $"{value:N0} since boot (no snapshot from before to subtract)";
}
