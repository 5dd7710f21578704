using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Uncloak.Fleet;

/// <summary>The fleet's KV buckets: opened when they exist, created (file storage, one revision kept) when they do not.</summary>
internal static class FleetBuckets
{
    /// <summary>
    /// How long a bucket with per-key TTL keeps the marker of a key the server removed: long enough for every live watcher
    /// to see the removal, short enough not to clog the bucket (the markers of 100,000 expired bans are gone after it).
    /// </summary>
    public static readonly TimeSpan LimitMarkers = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Opens <paramref name="bucket"/>, or creates it. A positive <paramref name="limitMarkers"/> makes a created bucket
    /// allow per-message TTL and keep limit markers that long (nats-server 2.11+ only: never pass it to an older server);
    /// zero, no TTL. <paramref name="republish"/>, when given, makes a created bucket's stream republish every change
    /// (<see cref="Decisions.FleetWatch"/>). An existing bucket is taken as it is.
    /// </summary>
    public static async Task<INatsKVStore> OpenAsync(NatsKVContext kv, string bucket, int replicas, string description, TimeSpan limitMarkers, CancellationToken cancel,
        NatsKVRepublish? republish = null)
    {
        try
        {
            return await kv.GetStoreAsync(bucket, cancel).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return await kv.CreateStoreAsync(new NatsKVConfig(bucket)
            {
                NumberOfReplicas = replicas,
                History = 1,
                Storage = NatsKVStorageType.File,
                Description = description,
                LimitMarkerTTL = limitMarkers,
                Republish = republish,
            }, cancel).ConfigureAwait(false);
        }
    }
}
