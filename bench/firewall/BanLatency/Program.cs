using System.Diagnostics;
using System.Globalization;
using Uncloak.Daemon.Enforcement;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Firewall;
using Uncloak.Store;

// Usage (as root, inside a network namespace): BanLatency DB N BANS
// Loads N bans (198.18.64.0 + i) like `bans import`, then makes BANS single bans (198.19.220.0 + i) one at a
// time in this warm process, the way `uncloak watch` would, and prints each decision → kernel-commit latency.
// The nftables commit is synchronous: when it returns, the kernel drops the banned source.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: BanLatency DB N BANS");
    return 2;
}
string db = args[0];
int n = int.Parse(args[1], CultureInfo.InvariantCulture);
int bans = int.Parse(args[2], CultureInfo.InvariantCulture);
using var sqlite = SqliteStore.Open(db);
using var enforcer = FirewallBackends.Open("nftables");
var workflow = new BanWorkflow(new DecisionStore(sqlite), enforcer, TimeProvider.System);
var safety = SafetyContext.Empty;
uint first = (198u << 24) | (18u << 16) | (64u << 8);
var load = Enumerable.Range(0, n).Select(i => new BanRequest(new BanTarget(NetAddress.FromV4(first + (uint)i), 32), TimeSpan.FromHours(1), "bench", "import")).ToList();
var bulk = workflow.Ban(load, safety, Escalation.None, 0, dryRun: false);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {bulk.Accepted} bans: decide {bulk.DecideMs:F0} ms, store {bulk.StoreMs:F0} ms, kernel {bulk.KernelMs:F0} ms, total {bulk.TotalMs:F0} ms"));
uint single = (198u << 24) | (19u << 16) | (220u << 8);
var latencies = new List<double>(bans);
var parts = new List<(double Decide, double Store, double Kernel)>(bans);
for (int i = 0; i < bans; i++)
{
    var request = new BanRequest(new BanTarget(NetAddress.FromV4(single + (uint)i), 32), TimeSpan.FromMinutes(10), "bench", "detector");
    var clock = Stopwatch.StartNew();
    // No rate cap here: the 100k just loaded would (rightly) trip any per-minute cap.
    var outcome = workflow.Ban([request], safety, Escalation.Default, 0, dryRun: false);
    latencies.Add(clock.Elapsed.TotalMilliseconds);
    parts.Add((outcome.DecideMs, outcome.StoreMs - outcome.DecideMs, outcome.KernelMs));
    if (outcome.Accepted != 1 || outcome.KernelAdded != 1)
    {
        Console.Error.WriteLine($"ban {i} was not applied");
        return 1;
    }
}
latencies.Sort();
double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"single bans into a set of {n}: p50 {P(0.50):F1} ms, p95 {P(0.95):F1} ms, max {latencies[^1]:F1} ms over {bans}, the first one included (JIT)"));
double Median(Func<(double Decide, double Store, double Kernel), double> f) => parts.Select(f).Order().ElementAt(parts.Count / 2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  medians: decide {Median(p => p.Decide):F1} ms (safety, escalation history), store {Median(p => p.Store):F1} ms (write + commit), kernel {Median(p => p.Kernel):F1} ms (nftables transaction)"));
return 0;
