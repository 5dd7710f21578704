using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>Half-open connections from one source prefix (/24 for IPv4, /64 for IPv6).</summary>
public sealed record PrefixCount(NetAddress Prefix, int Bits, int HalfOpen, int Sources);
