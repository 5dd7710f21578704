using Uncloak.Core.Decisions;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// The names Uncloak owns in the kernel. Single addresses go to hash sets (<c>ban4</c>, <c>ban6</c>: O(1)
/// and fast to load by the hundred thousand); networks go to interval sets (<c>ban4net</c>, <c>ban6net</c>),
/// which is where IPv6 /64 aggregates land. All four carry per-element timeouts, so a ban ends by itself
/// even if Uncloak is not running.
/// </summary>
public static class BanSets
{
    public const string Family = "inet";
    public const string Table = "uncloak";
    public const string Chain = "bans";

    /// <summary>Raw priority: before conntrack, so a banned peer costs no conntrack entry; prerouting also covers forwarded and container traffic.</summary>
    public const int Priority = -300;

    public static IReadOnlyList<string> All { get; } = ["ban4", "ban6", "ban4net", "ban6net"];

    public static string For(BanTarget target) => (target.IsV4, target.IsHost) switch
    {
        (true, true) => "ban4",
        (false, true) => "ban6",
        (true, false) => "ban4net",
        (false, false) => "ban6net",
    };

    public static bool IsV4(string set) => set.StartsWith("ban4", StringComparison.Ordinal);

    public static bool IsInterval(string set) => set.EndsWith("net", StringComparison.Ordinal);
}
