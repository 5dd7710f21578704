using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>A peer the plan refuses to touch, with why and how many of its sockets matched.</summary>
public sealed record RefusedPeer(NetAddress Peer, string Reason, int Sockets);
