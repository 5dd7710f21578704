using Uncloak.Cli;

var listener = GcListener.Instance;
int rc = await UncloakCli.RunAsync(args, Console.Out, Console.Error);
if (Environment.GetEnvironmentVariable("UNCLOAK_GCSTATS") is not null)
{
    Console.Error.WriteLine($"gc0 {GC.CollectionCount(0)} gc1 {GC.CollectionCount(1)} gc2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms alloc {GC.GetTotalAllocatedBytes() >> 20} MB");
}
if (listener is not null) { Thread.Sleep(500); foreach (var (k, v) in listener.Types.OrderByDescending(x => x.Value).Take(45)) { Console.Error.WriteLine($"{v,5} {k}"); } }
return rc;

sealed class GcListener : System.Diagnostics.Tracing.EventListener
{
    public static readonly GcListener? Instance = Environment.GetEnvironmentVariable("UNCLOAK_ALLOC") is not null ? new() : null;
    public readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> Types = new();
    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)1);
        }
    }
    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is "GCAllocationTick_V4")
        {
            var name = (string)e.Payload![5]!;
            Types.AddOrUpdate(name + ((uint)e.Payload![1]! == 1 ? " (LOH)" : "") + (name.EndsWith("[]", StringComparison.Ordinal) ? " size " + (ulong)e.Payload![8]! / 1024 + "K" : ""), 1, (_, v) => v + 1);
        }
    }
}
