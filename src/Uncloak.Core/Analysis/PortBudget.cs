namespace Uncloak.Core.Analysis;

/// <summary>
/// How many (peer, local port) pairs one analysis may hold across all its peers' <see cref="PortTally"/> tables:
/// the memory bound for a hostile log of spoofed sources each hitting every port. Thread-safe.
/// </summary>
public sealed class PortBudget(int pairs)
{
    /// <summary>16 million pairs, at most about 250 MB; a 10-million-line log of scanners holds about one million.</summary>
    public const int DefaultPairs = 16 << 20;

    private int _left = pairs;

    public bool TryTake() => Volatile.Read(ref _left) > 0 && Interlocked.Decrement(ref _left) >= 0;
}
