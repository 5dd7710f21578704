using System.Globalization;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// Runs every layer rule over an incident's evidence and ranks the layers. The first layer is named when its score
/// reaches <see cref="Threshold"/>; confidence is its score less half the runner-up's (two layers equally supported
/// leave the verdict unsure). Nothing at the threshold gives <see cref="Layer.Unknown"/> with confidence 0.
/// </summary>
public static class Localizer
{
    /// <summary>The score from which a layer is named (listed in <see cref="Verdict.Layers"/> and eligible to be first).</summary>
    public const double Threshold = 0.3;

    public static IReadOnlyList<LayerRule> Rules { get; } =
        [new ApplicationRule(), new HostRule(), new ShaperRule(), new NicRule(), new LanRule(), new UpstreamRule()];

    public static Verdict Localize(IncidentEvidence evidence)
    {
        var findings = Rules.Select(r => r.Evaluate(evidence)).Where(f => f.Score >= Threshold)
            .OrderByDescending(f => f.Score).ThenBy(f => f.Layer).ToList();
        if (findings.Count == 0)
        {
            var weak = Rules.Select(r => r.Evaluate(evidence)).Where(f => f.Score > 0).OrderByDescending(f => f.Score).ToList();
            var reasoning = new List<string>
            {
                evidence.IsEmpty
                    ? "No evidence was read: no recognised dump, probe or kernel message."
                    : "No layer's facts reach the threshold: the evidence does not say where the fault is.",
            };
            reasoning.AddRange(weak.SelectMany(w => w.Reasoning.Select(r => $"({w.Layer.Name()}, too weak alone) {r}")));
            return new Verdict(Layer.Unknown, 0, [], weak.SelectMany(w => w.Evidence).ToList(), reasoning,
                evidence.IsEmpty ? "unknown: no evidence" : "unknown: nothing in the evidence points at one layer");
        }
        var top = findings[0];
        double second = findings.Count > 1 ? findings[1].Score : 0;
        double confidence = Math.Round(Math.Clamp(top.Score - second / 2, 0.05, 1), 2);
        var layers = findings.Select(f => new LayerScore(f.Layer, Math.Round(f.Score, 2))).ToList();
        string summary = string.Create(CultureInfo.InvariantCulture, $"{top.Layer.Name()} ({confidence:0.00}): {top.Reasoning[0]}") +
            (findings.Count > 1 ? $" Also: {string.Join(", ", findings.Skip(1).Select(f => f.Layer.Name()))}." : "");
        return new Verdict(top.Layer, confidence, layers, findings.SelectMany(f => f.Evidence).ToList(),
            findings.SelectMany(f => f.Reasoning.Select(r => $"({f.Layer.Name()}) {r}")).ToList(), summary);
    }
}
