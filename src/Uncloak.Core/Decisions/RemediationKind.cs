using Uncloak.Core.Detection;
using Uncloak.Core.Events;

namespace Uncloak.Core.Decisions;

public enum RemediationKind : byte
{
    Alert,
    Ban,
    KillSockets,
    Check,
}
