namespace Uncloak.Core.Forensics.Localization;

/// <summary>One layer's score in a verdict (0–1: how much of the evidence points there).</summary>
public sealed record LayerScore(Layer Layer, double Score);
