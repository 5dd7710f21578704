namespace Uncloak.Core.Forensics.Localization;

/// <summary>One fact a verdict rests on: its kind (<c>counter</c>, <c>socket</c>, <c>qdisc</c>, <c>nic</c>, <c>link</c>, <c>neighbour</c>, <c>probe</c>, <c>kernel</c>) and what it says.</summary>
public sealed record EvidenceItem(string Kind, string Text);
