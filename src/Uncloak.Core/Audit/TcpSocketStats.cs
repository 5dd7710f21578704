namespace Uncloak.Core.Audit;

/// <summary>The `TCP:` line of /proc/net/sockstat: sockets in use, orphans, TIME_WAIT, allocated, and memory in pages.</summary>
public sealed record TcpSocketStats(long InUse, long Orphans, long TimeWait, long Allocated, long MemoryPages);
