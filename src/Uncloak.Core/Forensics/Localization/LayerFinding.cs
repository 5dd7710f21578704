namespace Uncloak.Core.Forensics.Localization;

/// <summary>What one rule found for its layer: a score built from weighed facts, each with its evidence and reasoning.</summary>
public sealed class LayerFinding(Layer layer)
{
    public Layer Layer { get; } = layer;

    /// <summary>0–1. Facts add up (capped at 1); a fact that argues against the layer scales the score down.</summary>
    public double Score { get; private set; }

    public List<EvidenceItem> Evidence { get; } = [];

    public List<string> Reasoning { get; } = [];

    /// <summary>Adds a fact for this layer with the weight it carries.</summary>
    public void Support(double weight, string kind, string evidence, string reasoning)
    {
        Score = Math.Min(1.0, Score + weight);
        Evidence.Add(new EvidenceItem(kind, evidence));
        Reasoning.Add(reasoning);
    }

    /// <summary>A fact that argues against this layer: the score is multiplied by <paramref name="factor"/> (0–1).</summary>
    public void Weaken(double factor, string reasoning)
    {
        if (Score > 0)
        {
            Score *= factor;
            Reasoning.Add(reasoning);
        }
    }
}
