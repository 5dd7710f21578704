using Uncloak.Core.Events;

namespace Uncloak.Core.Probes;

/// <summary>
/// Guard rails for acting on an outage (restart a unit, run a command): first a cause check — restarting the web server
/// does not help against a SYN flood or a full conntrack table, it only drops the clients that did get through — then
/// exponential backoff between attempts, a limit per outage, and one loud "giving up" when the limit is reached. Pure:
/// the caller supplies the time and the event kinds seen before the outage.
/// </summary>
public sealed class RemedyPolicy
{
    /// <summary>Causes that a restart cannot fix.</summary>
    public static IReadOnlyList<EventKind> DefaultNotWhen { get; } = [EventKind.SynFlood, EventKind.SynRecvFlood, EventKind.ConntrackFull];

    private int _attempts;
    private DateTime _next;
    private bool _gaveUp;
    private bool _running;

    public RemedyPolicy(int maxAttempts, TimeSpan backoff, IReadOnlyCollection<EventKind> notWhen)
    {
        MaxAttempts = maxAttempts;
        Backoff = backoff;
        NotWhen = notWhen;
    }

    public int MaxAttempts { get; }

    public TimeSpan Backoff { get; }

    public IReadOnlyCollection<EventKind> NotWhen { get; }

    public int Attempts => _attempts;

    /// <summary>Called for each failed check during an outage.</summary>
    public RemedyDecision Decide(DateTime now, IReadOnlyCollection<EventKind> recentKinds)
    {
        var blocking = NotWhen.Where(recentKinds.Contains).ToList();
        if (blocking.Count > 0)
        {
            return new RemedyDecision(RemedyVerdict.Skip, $"not acting: the outage follows {string.Join(", ", blocking.Select(k => k.Name()))}, which a restart cannot fix");
        }
        if (_running)
        {
            // A restart over D-Bus or a slow command can outlast the backoff: it is judged when it is done, never given up on meanwhile.
            return new RemedyDecision(RemedyVerdict.Wait, "the last attempt is still running");
        }
        if (now < _next)
        {
            return new RemedyDecision(RemedyVerdict.Wait, "backing off: the last attempt still has time to work");
        }
        if (_attempts >= MaxAttempts)
        {
            if (_gaveUp)
            {
                return new RemedyDecision(RemedyVerdict.Wait, "given up already");
            }
            _gaveUp = true;
            return new RemedyDecision(RemedyVerdict.GiveUp, $"giving up after {_attempts} attempts: the service stays down, a human is needed");
        }
        _attempts++;
        _running = true;
        _next = now + TimeSpan.FromTicks(Backoff.Ticks * (1L << Math.Min(_attempts - 1, 16)));
        return new RemedyDecision(RemedyVerdict.Run, $"attempt {_attempts} of {MaxAttempts}");
    }

    /// <summary>The attempt <see cref="Decide"/> started has finished (its outcome is recorded); the backoff runs from its start.</summary>
    public void Finished() => _running = false;

    /// <summary>The outage ended: the next one starts with a clean slate.</summary>
    public void Reset()
    {
        _attempts = 0;
        _next = default;
        _gaveUp = false;
        _running = false;
    }
}
