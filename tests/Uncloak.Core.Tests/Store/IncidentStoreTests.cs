using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Store;
using Uncloak.Store.Incidents;
using Xunit;

namespace Uncloak.Core.Tests.Store;

public sealed class IncidentStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-store-").FullName;
    private readonly SqliteStore _sqlite;
    private readonly IncidentStore _store;

    public IncidentStoreTests()
    {
        _sqlite = SqliteStore.Open(Path.Combine(_dir, "t.db"));
        _store = new IncidentStore(_sqlite);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Incident Make(string id, int minute, long? outage = 3) => new()
    {
        Id = id,
        OutageId = outage,
        Probe = outage is null ? "" : "site",
        Start = new DateTime(2026, 12, 3, 17, minute, 0, 250, DateTimeKind.Utc),
        Layer = Layer.Shaper,
        Confidence = 0.82,
        Layers = [new LayerScore(Layer.Shaper, 0.91), new LayerScore(Layer.Application, 0.18)],
        Summary = "the tbf qdisc on eth0 dropped 1,234 packets",
        Bundle = "/var/lib/uncloak/incidents/" + id,
    };

    [Fact]
    public void Incidents_round_trip_with_every_field_and_a_second_save_replaces_the_first()
    {
        var open = Make("20261203T170000Z-site", 0);
        _store.Save(open);
        Assert.Equal(open with { Layers = open.Layers }, _store.Get(open.Id), new IncidentComparer());

        var closed = open with { End = open.Start.AddMinutes(3), Layer = Layer.Application, Confidence = 0.5, Layers = [new LayerScore(Layer.Application, 0.6)] };
        _store.Save(closed);
        var back = Assert.Single(_store.List());
        Assert.Equal(closed, back, new IncidentComparer());
        Assert.Equal(closed, Assert.Single(_store.OfOutage(3)), new IncidentComparer());
        Assert.Null(_store.Get("20261203T999999Z-none"));
    }

    [Fact]
    public void Lists_are_oldest_first_since_a_time_and_deletes_count_what_went()
    {
        _store.Save(Make("b", 5, null));
        _store.Save(Make("a", 1));
        _store.Save(Make("c", 9));
        Assert.Equal(["a", "b", "c"], _store.List().Select(i => i.Id));
        Assert.Equal(["b", "c"], _store.List(new DateTime(2026, 12, 3, 17, 5, 0, DateTimeKind.Utc)).Select(i => i.Id));
        Assert.Null(_store.Get("b")!.OutageId);
        Assert.Equal(2, _store.Delete(["a", "c", "zzz"]));
        Assert.Equal(["b"], _store.List().Select(i => i.Id));
    }

    [Fact]
    public void A_layers_column_damaged_by_hand_reads_as_no_layers()
    {
        _store.Save(Make("a", 1));
        _sqlite.Execute("UPDATE incidents SET layers = 'not json'");
        Assert.Empty(_store.Get("a")!.Layers);
    }

    private sealed class IncidentComparer : IEqualityComparer<Incident?>
    {
        public bool Equals(Incident? x, Incident? y) => x is not null && y is not null
            && (x.Id, x.OutageId, x.Probe, x.Start, x.End, x.Layer, x.Confidence, x.Summary, x.Bundle) == (y.Id, y.OutageId, y.Probe, y.Start, y.End, y.Layer, y.Confidence, y.Summary, y.Bundle)
            && x.Layers.SequenceEqual(y.Layers);

        public int GetHashCode(Incident? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
