using Uncloak.Core.Decisions;
using Uncloak.Firewall;

namespace Uncloak.Core.Tests.Daemon.Enforcement;

/// <summary>An in-memory kernel: applies batches to a dictionary and records each batch, so workflow tests see exactly what would be sent.</summary>
public sealed class RecordingBackend : IFirewallBackend
{
    public Dictionary<BanTarget, DateTimeOffset> Kernel { get; } = [];

    public bool Installed { get; set; }

    public List<(List<BanTarget> Delete, List<BanElement> Add)> Batches { get; } = [];

    public string Name => "recording";

    public bool IsInstalled() => Installed;

    public void Apply(IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        Batches.Add(([.. remove], [.. add]));
        foreach (var t in remove)
        {
            Kernel.Remove(t);
        }
        foreach (var e in add)
        {
            Kernel[e.Target] = e.Expires;
        }
        Installed = true;
    }

    public Dictionary<BanTarget, DateTimeOffset> ReadElements(DateTimeOffset now) => Kernel.Where(kv => kv.Value > now).ToDictionary();

    public ReconcileResult Reconcile(IReadOnlyDictionary<BanTarget, DateTimeOffset> desired, DateTimeOffset now)
    {
        var current = Installed ? ReadElements(now) : [];
        var (add, delete) = BanSetPlan.Diff(current, desired, TimeSpan.FromSeconds(5));
        bool was = Installed;
        Apply(delete, add, now);
        return ReconcileResult.Of(was, current, desired, add, delete);
    }

    public void Flush() => Kernel.Clear();

    public IReadOnlyList<SetCounter> Counters() => [];

    public void Dispose()
    {
    }
}
