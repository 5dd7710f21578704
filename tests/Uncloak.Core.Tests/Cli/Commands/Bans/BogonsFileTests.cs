using Uncloak.Cli.Commands.Bans;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class BogonsFileTests
{
    [Fact]
    public void The_shipped_bogons_file_parses_completely_and_covers_private_and_documentation_networks()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "config", "bogons");
        Assert.True(File.Exists(path), $"{path} should be copied next to the binary");
        var (targets, errors) = TargetList.Parse(File.ReadLines(path), 128);
        Assert.Empty(errors);
        var text = targets.Select(t => t.ToString()).ToHashSet();
        Assert.Contains("10.0.0.0/8", text);
        Assert.Contains("192.168.0.0/16", text);
        Assert.Contains("2001:db8::/32", text);
        Assert.Contains("fc00::/7", text);
    }
}
