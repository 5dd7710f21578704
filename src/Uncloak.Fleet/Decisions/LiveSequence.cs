namespace Uncloak.Fleet.Decisions;

/// <summary>What to do with one live message of the shared-bans bucket (<see cref="LiveSequence.Next"/>).</summary>
public enum LiveStep
{
    /// <summary>The next change: apply it.</summary>
    Apply,

    /// <summary>Already seen (the snapshot held it, or it came twice): skip it.</summary>
    Old,

    /// <summary>A change before it never arrived: the live view cannot be trusted, take a new snapshot.</summary>
    Gap,
}

/// <summary>
/// Tells a missed live message from the stream sequences the bucket's RePublish stamps on each one
/// (<c>Nats-Sequence</c>). Every message the bucket's stream stores is republished, so a subscriber that saw
/// sequence n and then receives n + 2 missed n + 1: core NATS delivers at most once, and a dropped message would
/// otherwise leave a ban (or a revocation) unapplied until the next restart. Pure; one watch loop owns it.
/// </summary>
public sealed class LiveSequence
{
    /// <param name="snapshot">The stream sequence the snapshot reached: everything up to it is already applied.</param>
    public LiveSequence(ulong snapshot) => Last = snapshot;

    /// <summary>The last stream sequence applied.</summary>
    public ulong Last { get; private set; }

    /// <summary>
    /// Judges the message stamped <paramref name="sequence"/>; null when the bucket has no RePublish (live messages
    /// straight from the bucket's subjects carry no sequence): then every message is applied, in arrival order, and only
    /// a reconnect or a dropped message tells of a gap.
    /// </summary>
    public LiveStep Next(ulong? sequence)
    {
        if (sequence is not { } s)
        {
            return LiveStep.Apply;
        }
        if (s <= Last)
        {
            return LiveStep.Old;
        }
        if (s != Last + 1)
        {
            return LiveStep.Gap;
        }
        Last = s;
        return LiveStep.Apply;
    }
}
