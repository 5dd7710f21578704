
namespace Uncloak.Core.Probes;

/// <summary>
/// Turns a probe's results into outages (monit's "N cycles" rule): <see cref="Failures"/> consecutive failures open
/// an outage dated from the first of them; the first success closes it. Pure: the caller supplies the results and
/// stores the transitions.
/// </summary>
public sealed class OutageTracker
{
    private ProbeResult? _firstFailure;
    private int _failures;

    public OutageTracker(string probe, int failures)
    {
        Probe = probe;
        Failures = Math.Max(1, failures);
    }

    public string Probe { get; }

    public int Failures { get; }

    /// <summary>True while an outage is open.</summary>
    public bool InOutage { get; private set; }

    /// <summary>The open outage's start, when <see cref="InOutage"/>.</summary>
    public DateTime Since { get; private set; }

    /// <summary>Continues an outage that was open when the daemon stopped (read back from the store).</summary>
    public void Resume(DateTime since)
    {
        InOutage = true;
        Since = since;
        _failures = Failures;
    }

    public OutageTransition Observe(ProbeResult result)
    {
        if (result.Ok)
        {
            _failures = 0;
            _firstFailure = null;
            if (InOutage)
            {
                InOutage = false;
                return new OutageTransition(OutageChange.Ended, Since, result.Time, "", "");
            }
            return OutageTransition.None;
        }
        _firstFailure ??= result;
        _failures++;
        if (!InOutage && _failures >= Failures)
        {
            InOutage = true;
            Since = _firstFailure.Time;
            return new OutageTransition(OutageChange.Started, Since, result.Time, _firstFailure.Cause, _firstFailure.Detail);
        }
        return OutageTransition.None;
    }
}
