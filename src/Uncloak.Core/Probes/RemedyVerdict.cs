using Uncloak.Core.Events;

namespace Uncloak.Core.Probes;

public enum RemedyVerdict : byte
{
    Wait,
    Run,
    Skip,
    GiveUp,
}
