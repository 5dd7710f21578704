namespace Uncloak.Core.Audit;

/// <summary>A NIC change and the ethtool command that does the same, printed before it is applied.</summary>
public sealed record NicChange(string Interface, NicAction Action)
{
    public string Command => Action switch
    {
        NicAction.DisablePause => $"ethtool -A {Interface} autoneg off rx off tx off",
        NicAction.EnableAutoneg => $"ethtool -s {Interface} autoneg on",
        _ => throw new ArgumentOutOfRangeException(nameof(Action)),
    };
}
