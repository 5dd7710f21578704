using System.Text.Json;
using System.Text.RegularExpressions;
using Uncloak.Core.Tests.Audit;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 16, item 6: every command that prints JSON opens its document with a <c>"schema"</c> naming its shape and
/// version, so a script can check what it reads. Each case runs the real command on sample data and changes nothing.
/// </summary>
public sealed partial class JsonSchemaTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"^uncloak\.[a-z][a-z.-]*/[0-9]+$")]
    private static partial Regex SchemaName();

    public static TheoryData<string, string[]> Commands()
    {
        string kern = CliRun.Demo("kern.log");
        string pcap = Path.Combine(AppContext.BaseDirectory, "samples", "wire", "lab-syn-flood.pcap");
        string line = "Jun 17 04:07:59 web1 kernel: TCP: Peer 198.51.100.7:43301/80 unexpectedly shrunk window 2244026871:2244027701 (repaired)";
        return new()
        {
            { "uncloak.analyze/2", ["analyze", kern, "--json", "--no-store"] },
            { "uncloak.analyze/2", ["pcap", pcap, "--json", "--no-store"] },
            { "uncloak.explain/1", ["explain", line, "--json"] },
            { "uncloak.explain.list/1", ["explain", "--list", "--json"] },
            { "uncloak.audit/1", ["audit", "--root", Path.Combine(AuditFixtureTests.FixturesDirectory, "debian-default"), "--json"] },
            { "uncloak.audit.list/1", ["audit", "--list", "--json"] },
            { "uncloak.counters/1", ["counters", "--root", Path.Combine(AppContext.BaseDirectory, "fixtures", "proc-6.18"), "--json"] },
            { "uncloak.install-service/1", ["install-service", "--dry-run", "--json", "--unit-dir", "DIR/units"] },
            { "uncloak.config.check/1", ["config", "check", "--config", Path.Combine(CliRun.RepositoryRoot(), "config", "uncloak.yaml"), "--json"] },
            { "uncloak.replay/1", ["watch", "--replay", kern, "--json", "--db", "DIR/u.db"] },
            { "uncloak.report/1", ["report", "--db", "DIR/u.db", "--json"] },
            { "uncloak.bans.list/1", ["bans", "list", "--db", "DIR/u.db", "--json"] },
            { "uncloak.bans.add/1", ["bans", "add", "198.51.100.9", "--dry-run", "--db", "DIR/u.db", "--json"] },
            { "uncloak.bans.export/1", ["bans", "export", "--db", "DIR/u.db", "--json"] },
            { "uncloak.bans.flush/1", ["bans", "flush", "--dry-run", "--db", "DIR/u.db", "--json"] },
            { "uncloak.peer/1", ["peer", "198.51.100.7", "--db", "DIR/u.db", "--json"] },
            { "uncloak.store.stats/1", ["store", "stats", "--db", "DIR/u.db", "--json"] },
            { "uncloak.lab.status/1", ["lab", "status", "--prefix", "ujs-", "--json"] },
        };
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_json_document_opens_with_its_schema(string schema, string[] args)
    {
        var run = CliRun.Run([.. args.Select(a => a.Replace("DIR", _dir, StringComparison.Ordinal))]);
        Assert.True(run.ExitCode is 0 or 1, $"uncloak {string.Join(' ', args)}: exit {run.ExitCode}: {run.Error}");
        using var doc = JsonDocument.Parse(run.Output);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        var first = doc.RootElement.EnumerateObject().First();
        Assert.Equal("schema", first.Name);
        Assert.Equal(schema, first.Value.GetString());
        Assert.Matches(SchemaName(), schema);
        Assert.False(File.Exists(Path.Combine(_dir, "units", "uncloak.service")), "a dry run wrote the unit");
    }

    [Fact]
    public void An_empty_store_reports_no_history_rather_than_the_year_one()
    {
        var run = CliRun.Run("report", "--db", Path.Combine(_dir, "empty.db"), "--json");
        Assert.Equal(JsonValueKind.Null, run.Json.GetProperty("history").ValueKind);
    }
}
