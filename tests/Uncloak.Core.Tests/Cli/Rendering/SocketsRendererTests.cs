using Uncloak.Cli.Rendering;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Sockets;

/// <summary>
/// The `sockets` views of the captured kernel dump against golden files (fixtures/sockdiag/expected-sockets.*).
/// To accept a deliberate change: UNCLOAK_UPDATE_GOLDEN=1 dotnet test --filter SocketsRendererTests, then review the diff.
/// </summary>
public sealed class SocketsRendererTests
{
    private static readonly DateTime T0 = new(2026, 11, 25, 13, 16, 0, DateTimeKind.Utc);

    private static SocketFindings Findings()
    {
        var list = new List<SocketRecord>();
        var reader = new SockDiagReader();
        reader.Read(SockDiagReaderTests.Fixture("ipv4-dump.bin"), list);
        reader.Read(SockDiagReaderTests.Fixture("ipv6-dump.bin"), list);
        SignalExplanations.Register();
        return SocketAnalyzer.Analyze(new SocketTable(T0, list));
    }

    private static void AssertGolden(string name, string actual)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "sockdiag", name);
        if (Environment.GetEnvironmentVariable("UNCLOAK_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "fixtures", "sockdiag", name);
            File.WriteAllText(source, actual);
            return;
        }
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public void The_json_view_of_the_captured_dump_matches_its_golden_file()
    {
        using var output = new StringWriter { NewLine = "\n" };
        SocketsRenderer.WriteJson(output, Findings(), malformed: 0);
        AssertGolden("expected-sockets.json", output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void The_human_view_of_the_captured_dump_matches_its_golden_file()
    {
        using var output = new StringWriter { NewLine = "\n" };
        Terminal.For(output).Write(SocketsRenderer.Build(Findings(), malformed: 0));
        AssertGolden("expected-sockets.txt", output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
