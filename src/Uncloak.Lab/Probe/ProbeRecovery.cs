namespace Uncloak.Lab.Probe;

/// <summary>
/// Time to recover: how long after the attack began the probe's availability was back to steady — the start of the first
/// successful request from which the rest of the judged window (to one probe timeout before the attack's end) held at
/// least <see cref="SteadyAvailability"/>. Zero when the attack never hurt; null when the service never came back.
/// </summary>
public static class ProbeRecovery
{
    /// <summary>The availability that counts as recovered: the matrix's "defended" verdict.</summary>
    public const double SteadyAvailability = 0.95;

    /// <summary>Samples are the probe's (times since the probe began); the attack ran from <paramref name="attackStart"/>, judged until <paramref name="judgedEnd"/>.</summary>
    public static TimeSpan? After(IReadOnlyList<ProbeSample> samples, TimeSpan attackStart, TimeSpan judgedEnd)
    {
        var window = samples.Where(s => s.At >= attackStart && s.At < judgedEnd).OrderBy(s => s.At).ToList();
        if (window.Count == 0)
        {
            return null;
        }
        // Successes in each suffix, from the end: the earliest start whose suffix is steady wins.
        var okFrom = new int[window.Count + 1];
        for (int i = window.Count - 1; i >= 0; i--)
        {
            okFrom[i] = okFrom[i + 1] + (window[i].Ok ? 1 : 0);
        }
        for (int i = 0; i < window.Count; i++)
        {
            if (window[i].Ok && okFrom[i] >= SteadyAvailability * (window.Count - i))
            {
                return i == 0 ? TimeSpan.Zero : window[i].At - attackStart;
            }
        }
        return null;
    }
}
