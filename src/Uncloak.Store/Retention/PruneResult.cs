namespace Uncloak.Store.Retention;

/// <summary>Rows deleted by a prune, per kind; <see cref="Complete"/> is false when a batch limit stopped it with more left to delete.</summary>
public readonly record struct PruneResult(long Events, long Outages, long Actions, long Decisions, bool Complete)
{
    public long Total => Events + Outages + Actions + Decisions;

    public static PruneResult operator +(PruneResult a, PruneResult b)
        => new(a.Events + b.Events, a.Outages + b.Outages, a.Actions + b.Actions, a.Decisions + b.Decisions, b.Complete);
}
