using Uncloak.Core.Events;

namespace Uncloak.Core.Probes;

public readonly record struct RemedyDecision(RemedyVerdict Verdict, string Reason);
