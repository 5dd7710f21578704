using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>How strongly a kind goes with outages over the whole history.</summary>
public sealed record KindLift(EventKind Kind, int Preceded, int Outages, int OrdinaryWindowsWith, int OrdinaryWindows, double Lift, string Sentence)
{
    /// <summary>True when the kind preceded outages repeatedly (or the only one) and clearly more often than ordinary windows.</summary>
    public bool Related => (Preceded >= 2 || (Preceded == 1 && Outages == 1)) && Lift >= OutageCorrelation.RelatedLift;
}
