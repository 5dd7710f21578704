using Uncloak.Core.Rulesets;
using Uncloak.Firewall.Nftables;

namespace Uncloak.Firewall.Policy;

/// <summary>
/// Applies the hardening policy the way iptables-apply does, but atomically: the previous state is saved
/// first, the new policy replaces the old in one nftables transaction, and unless <see cref="Confirm"/>
/// arrives before the deadline the rollback timer puts the saved state back (also one transaction).
/// </summary>
public sealed class PolicyGuard
{
    private readonly INftables _nft;
    private readonly GuardState _state;

    public PolicyGuard(INftables nft, GuardState state)
    {
        _nft = nft;
        _state = state;
    }

    public enum RollbackOutcome
    {
        /// <summary>The saved state is back in the kernel.</summary>
        RolledBack,

        /// <summary>Confirmed (or replaced) in time: the timer had nothing to do.</summary>
        NotNeeded,

        /// <summary>No apply to undo.</summary>
        NothingToRollBack,
    }

    /// <summary>The rendered transaction, nft's text of the plan, of what is loaded, and the diff between them.</summary>
    public sealed record Plan(byte[] Json, string PlannedText, string LoadedText, IReadOnlyList<string> Diff);

    public Plan MakePlan(FirewallPolicy policy)
    {
        var loaded = LoadedPolicy.Read(_nft);
        var json = PolicyRuleset.Render(policy, loaded.Existing);
        // The scratch namespace starts empty: render against no existing objects there.
        string planned = PolicyText.Planned(PolicyRuleset.Render(policy, PolicyRuleset.Existing.None));
        string current = PolicyText.Loaded(_nft);
        return new Plan(json, planned, current, LineDiff.Compute(current, planned));
    }

    /// <summary>
    /// Saves the loaded state as pending (before touching anything, so a crash mid-apply can still be undone),
    /// then swaps the policy in one transaction. Refuses while another apply awaits confirmation.
    /// </summary>
    public PendingApply Apply(FirewallPolicy policy, string token, DateTimeOffset now, TimeSpan confirmWithin)
    {
        using var _ = _state.Lock();
        if (_state.ReadPending() is { } waiting)
        {
            throw new FirewallException($"an earlier apply (token {waiting.Token}) still awaits 'uncloak firewall confirm' or rolls back at {waiting.Deadline:HH:mm:ss}Z; confirm or roll it back first");
        }
        var loaded = LoadedPolicy.Read(_nft);
        var pending = new PendingApply(token, now, now + confirmWithin, 0, loaded.ToJson());
        _state.WritePending(pending);
        var r = _nft.RunJson(PolicyRuleset.Render(policy, loaded.Existing));
        if (!r.Ok)
        {
            _state.DeletePending();
            throw new FirewallException($"nftables refused the policy; nothing changed: {r.Error.Trim()}");
        }
        return pending;
    }

    /// <summary>Records the timer's process id so confirm can stop it.</summary>
    public void SetTimer(string token, int pid)
    {
        using var _ = _state.Lock();
        if (_state.ReadPending() is { } p && p.Token == token)
        {
            _state.WritePending(p with { TimerPid = pid });
        }
    }

    /// <summary>Keeps the applied policy. Returns the confirmed apply, or null when none was pending.</summary>
    public PendingApply? Confirm()
    {
        using var _ = _state.Lock();
        var pending = _state.ReadPending();
        if (pending is null)
        {
            return null;
        }
        _state.WritePrevious(pending.PreviousJson);
        _state.DeletePending();
        return pending;
    }

    /// <summary>
    /// With <paramref name="ifUnconfirmedToken"/> (the timer): rolls back only if that very apply is still
    /// pending. Without it (the admin): rolls back the pending apply, or else the last confirmed one.
    /// </summary>
    public RollbackOutcome Rollback(string? ifUnconfirmedToken) => Rollback(ifUnconfirmedToken, out _);

    /// <summary>As <see cref="Rollback(string?)"/>; <paramref name="undone"/> is the pending apply that was undone (its timer can be stopped).</summary>
    public RollbackOutcome Rollback(string? ifUnconfirmedToken, out PendingApply? undone)
    {
        undone = null;
        using var _ = _state.Lock();
        var pending = _state.ReadPending();
        if (ifUnconfirmedToken is not null && (pending is null || pending.Token != ifUnconfirmedToken))
        {
            return RollbackOutcome.NotNeeded;
        }
        string? previous = pending?.PreviousJson ?? _state.ReadPrevious();
        if (previous is null)
        {
            return RollbackOutcome.NothingToRollBack;
        }
        var current = LoadedPolicy.Read(_nft);
        var r = _nft.RunJson(LoadedPolicy.Parse(previous).RenderRestore(current.Existing));
        if (!r.Ok)
        {
            throw new FirewallException($"nftables refused the rollback; the applied policy is still loaded: {r.Error.Trim()}");
        }
        if (pending is not null)
        {
            _state.DeletePending();
            undone = pending;
        }
        else
        {
            _state.DeletePrevious();
        }
        return RollbackOutcome.RolledBack;
    }

    public (LoadedPolicy Loaded, PendingApply? Pending) Status()
    {
        using var _ = _state.Lock();
        return (LoadedPolicy.Read(_nft), _state.ReadPending());
    }
}
