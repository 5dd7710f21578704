using Uncloak.Core.Forensics;
using Uncloak.Store;
using Uncloak.Store.Watch;
using Xunit;

namespace Uncloak.Core.Tests.Store.Watch;

/// <summary>Vantage probe results in the store (migration 22): written per round, read back by time and probe, pruned by age.</summary>
public sealed class VantageStoreTests : IDisposable
{
    private static readonly DateTime T = new(2026, 12, 3, 17, 0, 0, DateTimeKind.Utc);
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-vantage-").FullName;
    private readonly SqliteStore _sqlite;
    private readonly VantageStore _store;

    public VantageStoreTests()
    {
        _sqlite = SqliteStore.Open(Path.Combine(_dir, "t.db"));
        _store = new VantageStore(_sqlite);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void A_round_reads_back_with_latency_and_failure_class_by_time_and_probe()
    {
        VantageProbe[] first =
        [
            new(T, Vantage.Gateway, "198.18.0.254", true, "", TimeSpan.FromMicroseconds(412)),
            new(T, Vantage.Upstream, "198.18.1.3:80", false, VantageFailure.Unreachable, TimeSpan.FromMilliseconds(1.5)),
        ];
        _store.Add("site", first);
        _store.Add("ssh", [new(T.AddSeconds(1), Vantage.Self, "198.18.0.1:22", false, VantageFailure.Refused, TimeSpan.FromMilliseconds(0.2))]);
        _store.Add("site", [new(T.AddSeconds(10), Vantage.Gateway, "198.18.0.254", false, VantageFailure.NeighbourFailed, TimeSpan.FromSeconds(3))]);

        Assert.Equal(first, _store.Between(T, T.AddSeconds(5), "site"));
        Assert.Equal(3, _store.Between(T, T.AddSeconds(5)).Count);
        Assert.Equal(VantageFailure.NeighbourFailed, Assert.Single(_store.Between(T.AddSeconds(9), T.AddSeconds(11))).Failure);
    }

    [Fact]
    public void Pruning_removes_only_results_older_than_the_cutoff()
    {
        _store.Add("site", [new(T, Vantage.Gateway, "198.18.0.254", true, "", TimeSpan.FromMilliseconds(1))]);
        _store.Add("site", [new(T.AddDays(2), Vantage.Gateway, "198.18.0.254", true, "", TimeSpan.FromMilliseconds(1))]);

        Assert.Equal(1, _store.Prune(T.AddDays(1)));
        Assert.Equal(T.AddDays(2), Assert.Single(_store.Between(T, T.AddDays(3))).Time);
    }
}
