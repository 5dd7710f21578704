namespace Uncloak.Firewall;

/// <summary>The kernel or the firewall tool refused a batch, or is not there. The message carries its own words.</summary>
public sealed class FirewallException : Exception
{
    public FirewallException(string message)
        : base(message)
    {
    }

    public FirewallException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public FirewallException()
    {
    }
}
