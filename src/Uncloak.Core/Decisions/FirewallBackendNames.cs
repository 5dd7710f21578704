namespace Uncloak.Core.Decisions;

/// <summary>The names of <see cref="FirewallBackend"/> as users write them: lower case, <c>auto|nftables|iptables|off</c>.</summary>
public static class FirewallBackendNames
{
    /// <summary>The choices, for error messages and help.</summary>
    public const string Choices = "auto, nftables, iptables or off";

    /// <summary>The name a user writes for <paramref name="backend"/>.</summary>
    public static string Name(this FirewallBackend backend) => backend switch
    {
        FirewallBackend.Nftables => "nftables",
        FirewallBackend.Iptables => "iptables",
        FirewallBackend.Off => "off",
        _ => "auto",
    };

    /// <summary>Parses a name (exact, lower case); false for anything else.</summary>
    public static bool TryParse(string? text, out FirewallBackend backend)
    {
        switch (text)
        {
            case "auto":
                backend = FirewallBackend.Auto;
                return true;
            case "nftables":
                backend = FirewallBackend.Nftables;
                return true;
            case "iptables":
                backend = FirewallBackend.Iptables;
                return true;
            case "off":
                backend = FirewallBackend.Off;
                return true;
            default:
                backend = FirewallBackend.Auto;
                return false;
        }
    }
}
