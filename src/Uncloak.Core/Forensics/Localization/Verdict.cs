namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// Where an outage's fault is: the first layer, how sure (0–1), every layer that scored in rank order, the evidence and the
/// reasoning in words, and a one-line summary. <see cref="Layer.Unknown"/> with confidence 0 when nothing holds.
/// </summary>
public sealed record Verdict(Layer Layer, double Confidence, IReadOnlyList<LayerScore> Layers, IReadOnlyList<EvidenceItem> Evidence,
    IReadOnlyList<string> Reasoning, string Summary);
