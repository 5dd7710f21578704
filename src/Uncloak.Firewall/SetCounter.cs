namespace Uncloak.Firewall;

/// <summary>The drop counter of one ban set.</summary>
public readonly record struct SetCounter(string Set, long Packets, long Bytes, int Elements);
