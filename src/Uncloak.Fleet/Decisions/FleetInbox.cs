using System.Text.Json;
using Uncloak.Config;
using Uncloak.Core.Decisions;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// Judges the entries of the shared-bans bucket for one receiving host, without I/O: its own echoes, forged origins,
/// expired and filtered bans, and redeliveries (the snapshot after a reconnect or restart) are told apart from the bans
/// and revocations to carry out. Remembers what was applied (key → expiry), seeded from the store at start, so a restarted
/// agent re-reading the whole bucket applies nothing twice. Not thread-safe: one receive loop owns it.
/// </summary>
public sealed class FleetInbox
{
    /// <summary>Stored origins of received bans start with this, followed by the deciding host.</summary>
    public const string OriginPrefix = "fleet:";

    private readonly string _host;
    private readonly FleetFilter _accept;
    private readonly Dictionary<string, DateTimeOffset> _applied = new(StringComparer.Ordinal);

    public FleetInbox(string host, FleetFilter accept)
    {
        _host = host;
        _accept = accept;
    }

    /// <summary>Bans currently held from the fleet, by key.</summary>
    public int Held => _applied.Count;

    /// <summary>Remembers the fleet bans the store already holds in force (origin <c>fleet:&lt;host&gt;</c>).</summary>
    public void Seed(IEnumerable<Decision> inForce)
    {
        foreach (var d in inForce)
        {
            if (d.Origin.StartsWith(OriginPrefix, StringComparison.Ordinal) && d.Origin.Length > OriginPrefix.Length)
            {
                var key = FleetKey.For(d.Origin[OriginPrefix.Length..], d.Target);
                _applied[key] = _applied.TryGetValue(key, out var e) && e > d.Expires ? e : d.Expires;
            }
        }
    }

    /// <summary>
    /// Judges one entry: <paramref name="deleted"/> for a KV delete or purge marker, else <paramref name="value"/> is the
    /// JSON of a <see cref="FleetDecision"/>. <paramref name="ban"/> is set for <see cref="FleetVerdict.Apply"/> and
    /// <see cref="FleetVerdict.Revoke"/>.
    /// </summary>
    public FleetVerdict Judge(string key, bool deleted, ReadOnlySpan<byte> value, DateTimeOffset now, out FleetBan? ban)
    {
        ban = null;
        if (!FleetKey.TryParse(key, out var host, out var target))
        {
            return FleetVerdict.Malformed;
        }
        if (host == _host)
        {
            return FleetVerdict.Echo;
        }
        if (deleted)
        {
            if (!_applied.ContainsKey(key))
            {
                return FleetVerdict.Nothing;
            }
            ban = new FleetBan(key, host, target, now, "", null);
            return FleetVerdict.Revoke;
        }
        FleetDecision? d;
        try
        {
            d = JsonSerializer.Deserialize(value, FleetJson.Default.FleetDecision);
        }
        catch (JsonException)
        {
            return FleetVerdict.Malformed;
        }
        if (d is null || !BanTarget.TryParse(d.Target, out var valueTarget, 128) || valueTarget != target)
        {
            return FleetVerdict.Malformed;
        }
        return JudgeValue(key, host, target, d, now, out ban);
    }

    /// <summary>
    /// Judges a burst's chunk (<see cref="FleetChunk"/>, key <c>&lt;host&gt;.bulk.&lt;id&gt;</c>): each of its bans exactly
    /// as if it had come under its own key <c>&lt;host&gt;.&lt;target&gt;</c> (origin, expiry, filter, duplicates), its
    /// verdicts added to <paramref name="members"/> in the chunk's order. The chunk as a whole is refused
    /// (<see cref="FleetVerdict.Malformed"/>, nothing added) when it is not a JSON array of decisions, holds more than
    /// <see cref="FleetChunk.MaxReceived"/> of them, one with an unreadable target, or a target twice: no publisher writes
    /// such a chunk. This host's own chunk is an <see cref="FleetVerdict.Echo"/>, and a deleted chunk is
    /// <see cref="FleetVerdict.Nothing"/>: its publisher deletes it once every ban in it has expired, and each revocation
    /// came on the target's own key.
    /// </summary>
    public FleetVerdict JudgeChunk(string key, bool deleted, ReadOnlySpan<byte> value, DateTimeOffset now, List<(FleetVerdict Verdict, FleetBan? Ban)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (!FleetKey.TryParseChunk(key, out var host))
        {
            return FleetVerdict.Malformed;
        }
        if (host == _host)
        {
            return FleetVerdict.Echo;
        }
        if (deleted)
        {
            return FleetVerdict.Nothing;
        }
        if (!FleetChunk.TryRead(value, out var decisions))
        {
            return FleetVerdict.Malformed;
        }
        var targets = new List<BanTarget>(decisions.Count);
        var seen = new HashSet<BanTarget>(decisions.Count);
        foreach (var d in decisions)
        {
            if (!BanTarget.TryParse(d.Target, out var target, 128) || !seen.Add(target))
            {
                return FleetVerdict.Malformed;
            }
            targets.Add(target);
        }
        for (int i = 0; i < decisions.Count; i++)
        {
            var verdict = JudgeValue(FleetKey.For(host, targets[i]), host, targets[i], decisions[i], now, out var ban);
            members.Add((verdict, ban));
        }
        return FleetVerdict.Apply;
    }

    private FleetVerdict JudgeValue(string key, string host, BanTarget target, FleetDecision d, DateTimeOffset now, out FleetBan? ban)
    {
        ban = null;
        if (d.Origin != host)
        {
            return FleetVerdict.OriginMismatch;
        }
        if (d.Expires <= now)
        {
            return FleetVerdict.Expired;
        }
        if (!_accept.Passes(d.Scenario, host))
        {
            return FleetVerdict.Filtered;
        }
        // Within a second is the same ban: the kernel's timeout is not touched for less (BanWorkflow's SameExpiry).
        if (_applied.TryGetValue(key, out var held) && (d.Expires - held).Duration() < TimeSpan.FromSeconds(1))
        {
            return FleetVerdict.Duplicate;
        }
        ban = new FleetBan(key, host, target, d.Expires, d.Reason, d.Scenario);
        return FleetVerdict.Apply;
    }

    /// <summary>Records that <paramref name="ban"/> was carried out (or refused: a refusal is not retried on redelivery).</summary>
    public void Applied(FleetBan ban) => _applied[ban.Key] = ban.Expires;

    /// <summary>Records that the ban under <paramref name="key"/> was revoked.</summary>
    public void Revoked(string key) => _applied.Remove(key);
}
