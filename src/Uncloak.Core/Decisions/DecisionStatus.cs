namespace Uncloak.Core.Decisions;

/// <summary>Where a decision stands. Expiry is not a status: a ban is active until its expiry passes.</summary>
public enum DecisionStatus : byte
{
    /// <summary>Accepted and enforced until it expires or is revoked.</summary>
    Active = 1,

    /// <summary>Refused by a safety rule; kept so the admin can see what was asked and why it was not done.</summary>
    Refused = 2,

    /// <summary>Lifted before its expiry (unban, flush).</summary>
    Revoked = 3,
}
