namespace Uncloak.Lab.Defences;

/// <summary>What <see cref="BanWatcher"/> saw in the kernel: when the first ban element appeared (since it started), the targets, and the packets the bans dropped.</summary>
public sealed record BanSighting(TimeSpan? FirstBanAfter, IReadOnlyList<string> Banned, long DroppedPackets);
