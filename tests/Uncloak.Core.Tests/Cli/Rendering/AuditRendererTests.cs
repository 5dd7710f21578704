using Uncloak.Cli.Rendering;
using Uncloak.Core.Audit;
using Xunit;

namespace Uncloak.Core.Tests.Cli.Rendering;

/// <summary>Issue 16, item 6: piped audit output keeps each fix command on one line, whatever its length.</summary>
public sealed class AuditRendererTests
{
    [Fact]
    public void A_fix_command_longer_than_the_pipe_width_stays_on_one_line_and_advice_still_wraps()
    {
        var interfaces = Enumerable.Range(0, 12).Select(i => new SysctlChange($"net.ipv4.conf.enp{i}s0f1.rp_filter", "1")).ToArray();
        string advice = string.Concat(Enumerable.Repeat("Reload the web server after raising the backlog so its listeners pick it up. ", 4));
        var report = new AuditReport("6.18.0", [new CheckResult
        {
            Id = "ipv4.rp_filter",
            Group = AuditGroup.Routing,
            Severity = Severity.Medium,
            Title = "Reverse-path filtering drops spoofed sources",
            Status = CheckStatus.Warn,
            Observed = "rp_filter=0 on 12 interfaces",
            Expected = "1",
            Rationale = "why",
            Fix = new Fix { Sysctls = interfaces, Manual = advice },
        }]);
        string command = "sysctl -w " + string.Join(' ', interfaces.Select(c => c.ToString()));
        Assert.True(command.Length > 300);

        using var output = new StringWriter(); // not the console: the pipe's width (160, or COLUMNS) applies
        AuditRenderer.Render(output, report, verbose: false);

        var lines = output.ToString().Split('\n');
        Assert.Contains(lines, l => l.TrimEnd() == "       fix: " + command);
        Assert.DoesNotContain(lines, l => l.Contains(advice.TrimEnd(), StringComparison.Ordinal)); // prose wraps under its indent
        Assert.Contains(lines, l => l.StartsWith("       fix: Reload the web server", StringComparison.Ordinal));
    }
}
