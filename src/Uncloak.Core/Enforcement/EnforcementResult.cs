namespace Uncloak.Core.Enforcement;

/// <summary>What came of an action.</summary>
/// <param name="Done">True when the host was changed (or the alert sent) as asked; false when refused, suppressed, recorded only or failed.</param>
/// <param name="Text">The outcome in words, stored with the action and logged.</param>
/// <param name="Affected">What the action touched: sockets destroyed, bans put in force or lifted, alerts sent.</param>
/// <param name="Failed">What it could not touch (sockets the kernel would not destroy, a failed remedy step).</param>
public readonly record struct EnforcementResult(bool Done, string Text, int Affected = 0, int Failed = 0)
{
    /// <summary>Nothing carries out this kind here: the action is only recorded, and <paramref name="why"/> says so.</summary>
    public static EnforcementResult RecordedOnly(string why) => new(false, "recorded only: " + why);
}
