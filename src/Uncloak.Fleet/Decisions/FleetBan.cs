using Uncloak.Core.Decisions;

namespace Uncloak.Fleet.Decisions;

/// <summary>A received ban (or revocation) ready for the host's enforcement: stored with origin <see cref="LocalOrigin"/>.</summary>
public sealed record FleetBan(string Key, string Host, BanTarget Target, DateTimeOffset Expires, string Reason, string? Scenario)
{
    /// <summary>The origin receivers store: <c>fleet:&lt;host&gt;</c>.</summary>
    public string LocalOrigin => FleetInbox.OriginPrefix + Host;
}
