using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Uncloak.Fleet;

/// <summary>The fleet's KV buckets: opened when they exist, created (file storage, one revision kept) when they do not.</summary>
internal static class FleetBuckets
{
    public static async Task<INatsKVStore> OpenAsync(NatsKVContext kv, string bucket, int replicas, string description, CancellationToken cancel)
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
            }, cancel).ConfigureAwait(false);
        }
    }
}
