namespace Uncloak.Core.Decisions;

/// <summary>
/// Turns ban requests into decisions: safety rules first, then the rate cap, then escalation. Pure: the
/// caller supplies the context, the history (how many earlier bans each target had) and the time.
/// </summary>
public sealed class DecisionPolicy
{
    private readonly SafetyContext _safety;
    private readonly Escalation _escalation;
    private readonly BanRateCap _cap;

    public DecisionPolicy(SafetyContext safety, Escalation escalation, BanRateCap cap)
    {
        _safety = safety;
        _escalation = escalation;
        _cap = cap;
    }

    /// <summary>True once the rate cap refused a request in this policy's lifetime: raise the alert.</summary>
    public bool RateCapTripped => _cap.Tripped;

    public BanRateCap Cap => _cap;

    /// <summary>
    /// Decides one request. <paramref name="priorBans"/> counts earlier accepted bans of the same target
    /// within <see cref="Escalation.Lookback"/>. The result is either <see cref="DecisionStatus.Active"/> or
    /// <see cref="DecisionStatus.Refused"/> with a reason and a message; it is never thrown away.
    /// </summary>
    public Decision Decide(BanRequest request, int priorBans, DateTimeOffset now)
    {
        var (reason, message) = SafetyRules.Check(request.Target, _safety);
        if (reason == RefusalReason.None && !_cap.TryTake(now))
        {
            reason = RefusalReason.RateCap;
            message = $"refused to ban {request.Target}: more than {_cap.PerMinute} new bans in one minute; " +
                "a detector or feed may be misfiring (or someone spoofs sources to make you ban innocents)";
        }
        var duration = reason == RefusalReason.None ? _escalation.DurationFor(request.Duration, priorBans) : request.Duration;
        return new Decision
        {
            Target = request.Target,
            Reason = request.Reason,
            Origin = request.Origin,
            Scenario = request.Scenario,
            Evidence = request.Evidence,
            Created = now,
            Expires = now + duration,
            Repeat = priorBans,
            Status = reason == RefusalReason.None ? DecisionStatus.Active : DecisionStatus.Refused,
            Refusal = reason,
            RefusalMessage = message,
        };
    }
}
