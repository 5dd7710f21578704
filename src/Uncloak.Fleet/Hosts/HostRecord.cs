namespace Uncloak.Fleet.Hosts;

/// <summary>
/// One agent's heartbeat in the hosts bucket (key = host name), rewritten every <see cref="Config.FleetConfig.Heartbeat"/>:
/// what <c>uncloak fleet status</c> and the web dashboard's fleet page show.
/// </summary>
public sealed record HostRecord
{
    public required string Host { get; init; }

    /// <summary>The agent's Uncloak version.</summary>
    public string Version { get; init; } = "";

    /// <summary>When the agent wrote this record (its clock).</summary>
    public required DateTimeOffset Seen { get; init; }

    /// <summary>Bans in force on the host (targets), all origins.</summary>
    public int BansInForce { get; init; }

    /// <summary>Bans in force by origin (<c>watch</c>, <c>cli</c>, <c>import</c>, <c>fleet:&lt;host&gt;</c>), targets counted.</summary>
    public IReadOnlyDictionary<string, int> BansByOrigin { get; init; } = new Dictionary<string, int>();

    /// <summary>Received bans applied and refused since the agent started.</summary>
    public long Applied { get; init; }

    public long Refused { get; init; }
}
