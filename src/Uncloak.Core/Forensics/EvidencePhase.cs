namespace Uncloak.Core.Forensics;

/// <summary>When a snapshot in a bundle was taken, relative to the outage.</summary>
public enum EvidencePhase : byte
{
    /// <summary>The last regular snapshot before the outage opened: the baseline deltas are taken against.</summary>
    Before = 0,

    /// <summary>While the outage was open (a pasted dump is read as this: taken when the admin noticed).</summary>
    During = 1,

    /// <summary>When the outage closed.</summary>
    After = 2,
}
