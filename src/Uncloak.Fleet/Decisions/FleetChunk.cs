using System.Text.Json;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// A burst's bans under one key, <c>&lt;host&gt;.bulk.&lt;id&gt;</c> (<see cref="FleetKey.Chunk"/>): the value is a JSON
/// array of the same <see cref="FleetDecision"/> a single key holds. 100,000 acked R3 puts cannot cross the bus in
/// seconds, 50 puts of 2,000 bans can. A chunk is never changed: a later renewal, revocation or re-ban of one of its
/// targets goes to the target's own key, which is written after the chunk and so comes after it in the bucket's
/// stream for a live watcher and for a late joiner's snapshot alike.
/// </summary>
public static class FleetChunk
{
    /// <summary>From this many bans waiting in one publishing round, they are published as chunks instead of one key each.</summary>
    public const int From = 1000;

    /// <summary>Bans per chunk at most: about 130 bytes each, so a chunk stays near 260 KB, well below the servers' 1 MB max_payload.</summary>
    public const int MaxBans = 2000;

    /// <summary>
    /// A received chunk with more bans than this is refused whole: no publisher writes one, and a receiver's batch must stay
    /// bounded whatever a compromised agent puts under its own prefix.
    /// </summary>
    public const int MaxReceived = 2 * MaxBans;

    /// <summary>A received chunk value longer than this is refused unread (the servers' default max_payload).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The value of a chunk holding <paramref name="bans"/>.</summary>
    public static byte[] Value(IReadOnlyList<FleetDecision> bans)
        => JsonSerializer.SerializeToUtf8Bytes(bans, FleetJson.Default.IReadOnlyListFleetDecision);

    /// <summary>Reads a chunk value; false for anything that is not a JSON array of decisions of at most <see cref="MaxReceived"/> entries.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out List<FleetDecision> bans)
    {
        bans = [];
        if (value.Length > MaxBytes)
        {
            return false;
        }
        try
        {
            var read = JsonSerializer.Deserialize(value, FleetJson.Default.ListFleetDecision);
            if (read is null || read.Count > MaxReceived || read.Exists(d => d is null))
            {
                return false;
            }
            bans = read;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
