using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using Uncloak.Config;

namespace Uncloak.Fleet.Hosts;

/// <summary>
/// The fleet's hosts as their heartbeats in the hosts bucket say: a plain query for <c>uncloak fleet status</c> and the
/// web dashboard. Connects with the host's own fleet credentials (read rights suffice).
/// </summary>
public static class FleetHosts
{
    /// <summary>The KV bucket of heartbeats: one key per host.</summary>
    public const string Bucket = "uncloak-hosts";

    /// <summary>
    /// Every host record, ordered by host. Throws <see cref="NatsException"/> (or <see cref="TimeoutException"/>) when
    /// the cluster cannot be reached or refuses the credentials; an unreadable record is skipped.
    /// </summary>
    public static async Task<IReadOnlyList<HostRecord>> ReadAsync(FleetConfig config, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        await using var nats = new NatsConnection(FleetConnection.Options(config) with { MaxReconnectRetry = 0 });
        await nats.ConnectAsync().ConfigureAwait(false);
        var kv = new NatsKVContext(new NatsJSContext(nats));
        INatsKVStore store;
        try
        {
            store = await kv.GetStoreAsync(Bucket, cancel).ConfigureAwait(false);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return [];
        }
        var keys = new List<string>();
        await foreach (var key in store.GetKeysAsync(cancellationToken: cancel).ConfigureAwait(false))
        {
            keys.Add(key);
        }
        var hosts = new List<HostRecord>(keys.Count);
        foreach (var key in keys)
        {
            var entry = await store.TryGetEntryAsync(key, 0, NatsRawSerializer<byte[]>.Default, cancel).ConfigureAwait(false);
            if (entry.Success && entry.Value.Value is { } bytes && TryRead(bytes) is { } record && record.Host == key)
            {
                hosts.Add(record);
            }
        }
        return [.. hosts.OrderBy(h => h.Host, StringComparer.Ordinal)];
    }

    internal static HostRecord? TryRead(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, FleetJson.Default.HostRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The hosts bucket, created like the bans bucket when missing.</summary>
    internal static Task<INatsKVStore> OpenAsync(NatsKVContext kv, int replicas, CancellationToken cancel)
        => FleetBuckets.OpenAsync(kv, Bucket, replicas, "Uncloak: one heartbeat per fleet host", TimeSpan.Zero, cancel);
}
