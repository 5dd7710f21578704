using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using Uncloak.Bench.BusWatchers;

// Usage: BusWatchers SERVERS USER PASSWORD WATCHERS CONNECTIONS BANS INTERVAL_MS MONITOR_URLS [kv|core]
// SERVERS and MONITOR_URLS are comma-separated. Opens WATCHERS KV watchers (the way every agent watches the bans
// bucket: one JetStream ordered consumer each) over CONNECTIONS connections on a bucket of its own (R3, history 1, as
// the agents' bucket), puts BANS keys one every INTERVAL_MS with the put's Stopwatch time as the value, and prints the
// delivery latency (put → watcher) over every (ban, watcher) pair, then the servers' consumers and memory.
// "core" instead watches with a plain core-NATS subscription on the bucket's subjects ($KV.<bucket>.bench.>): the
// stream stores every put, and each put is also delivered to the subscribers as it is published, with no consumer on
// the server (the design for thousands of hosts compared in docs/fleet.md).
if (args.Length is not (8 or 9) || (args.Length == 9 && args[8] is not ("kv" or "core")))
{
    Console.Error.WriteLine("usage: BusWatchers SERVERS USER PASSWORD WATCHERS CONNECTIONS BANS INTERVAL_MS MONITOR_URLS [kv|core]");
    return 2;
}
bool core = args.Length == 9 && args[8] == "core";
var servers = args[0].Split(',');
string user = args[1], password = args[2];
int watchers = int.Parse(args[3], CultureInfo.InvariantCulture);
int connections = int.Parse(args[4], CultureInfo.InvariantCulture);
int bans = int.Parse(args[5], CultureInfo.InvariantCulture);
int intervalMs = int.Parse(args[6], CultureInfo.InvariantCulture);
var monitors = args[7].Split(',');
const string Bucket = "uncloak-bench";

NatsConnection Connect(int i) => new(new NatsOpts
{
    // Spread the connections over the nodes, as agents listing all three servers end up spread.
    Url = servers[i % servers.Length],
    Name = $"bench-{i}",
    AuthOpts = new NatsAuthOpts { Username = user, Password = password },
    SubPendingChannelCapacity = 65536,
});

await using var publisher = Connect(0);
var kvContext = new NatsKVContext(new NatsJSContext(publisher));
try
{
    await kvContext.DeleteStoreAsync(Bucket);
}
catch (NatsJSApiException e) when (e.Error.Code == 404)
{
    // A first run: nothing left from an earlier one.
}
var store = await kvContext.CreateStoreAsync(new NatsKVConfig(Bucket) { NumberOfReplicas = 3, History = 1, Storage = NatsKVStorageType.File });

var conns = Enumerable.Range(0, connections).Select(Connect).ToArray();
var latencies = new double[watchers][];
var received = new int[watchers];
var warmed = new bool[watchers];
using var stop = new CancellationTokenSource();
var clock = Stopwatch.StartNew();
var tasks = new List<Task>(watchers);
for (int w = 0; w < watchers; w++)
{
    int me = w;
    latencies[me] = new double[bans];
    var conn = conns[me % connections];
    var watchStore = core ? null : await new NatsKVContext(new NatsJSContext(conn)).GetStoreAsync(Bucket);
    tasks.Add(Task.Run(async () =>
    {
        try
        {
            await foreach (var (key, value) in core ? Subscribe(conn, stop.Token) : Watch(watchStore!, stop.Token))
            {
                if (key.StartsWith("bench.warm", StringComparison.Ordinal))
                {
                    Volatile.Write(ref warmed[me], true);
                    continue;
                }
                long sent = BitConverter.ToInt64(value);
                int n = received[me];
                if (n < bans)
                {
                    latencies[me][n] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    Volatile.Write(ref received[me], n + 1);
                }
                if (n + 1 >= bans)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run's deadline: what arrived is counted.
        }
    }));
}

// A watcher only sees puts made after its consumer exists: put a warm-up key until every watcher has seen one.
var warmDeadline = Stopwatch.StartNew();
int warmRound = 0;
while (warmed.Any(x => !Volatile.Read(ref x)) && warmDeadline.Elapsed < TimeSpan.FromSeconds(120))
{
    await store.PutAsync($"bench.warm{warmRound++}", BitConverter.GetBytes(0L), NatsRawSerializer<byte[]>.Default);
    await Task.Delay(500);
}
int ready = warmed.Count(x => x);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ready} of {watchers} {(core ? "core subscriptions" : "KV watchers")} on {connections} connections live after {clock.Elapsed.TotalSeconds:F1} s"));
var stats = await ServerStats.ReadAsync(monitors);
Console.WriteLine($"servers while watching: {stats}");

var publish = Stopwatch.StartNew();
for (int i = 0; i < bans; i++)
{
    await store.PutAsync($"bench.{i}", BitConverter.GetBytes(Stopwatch.GetTimestamp()), NatsRawSerializer<byte[]>.Default);
    var next = TimeSpan.FromMilliseconds((i + 1) * (double)intervalMs) - publish.Elapsed;
    if (next > TimeSpan.Zero)
    {
        await Task.Delay(next);
    }
}
stop.CancelAfter(TimeSpan.FromSeconds(30));
await Task.WhenAll(tasks);

var all = new List<double>(watchers * bans);
for (int w = 0; w < watchers; w++)
{
    all.AddRange(latencies[w].AsSpan(0, received[w]).ToArray());
}
long expected = (long)watchers * bans;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"delivered {all.Count} of {expected} (ban, watcher) pairs; latency put → watcher: p50 {Percentiles.Of(all, 50):F1} ms, p90 {Percentiles.Of(all, 90):F1} ms, p99 {Percentiles.Of(all, 99):F1} ms, max {(all.Count == 0 ? double.NaN : all.Max()):F1} ms"));
Console.WriteLine($"servers after: {await ServerStats.ReadAsync(monitors)}");
stop.Cancel();
foreach (var c in conns)
{
    await c.DisposeAsync();
}
var removal = Stopwatch.StartNew();
try
{
    await kvContext.DeleteStoreAsync(Bucket);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bucket deleted in {removal.Elapsed.TotalSeconds:F1} s"));
}
catch (NatsJSApiNoResponseException)
{
    // Measured at 10,000 watchers: the stream's delete, its consumers with it, outlasts the request timeout. The next
    // run deletes the bucket before making its own.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bucket delete: no answer within the request timeout ({removal.Elapsed.TotalSeconds:F1} s)"));
}
return all.Count == expected ? 0 : 1;

static async IAsyncEnumerable<(string Key, byte[] Value)> Watch(INatsKVStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
{
    await foreach (var e in store.WatchAsync("bench.>", NatsRawSerializer<byte[]>.Default, new NatsKVWatchOpts { UpdatesOnly = true }, cancel))
    {
        yield return (e.Key, e.Value ?? []);
    }
}

static async IAsyncEnumerable<(string Key, byte[] Value)> Subscribe(NatsConnection conn, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
{
    const string Prefix = "$KV." + Bucket + ".";
    await foreach (var m in conn.SubscribeAsync(Prefix + "bench.>", serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancel))
    {
        yield return (m.Subject[Prefix.Length..], m.Data ?? []);
    }
}
