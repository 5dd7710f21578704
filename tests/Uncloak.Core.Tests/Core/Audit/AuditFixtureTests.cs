using Uncloak.Core.Audit;
using Uncloak.Linux.Audit;
using Xunit;

namespace Uncloak.Core.Tests.Audit;

/// <summary>
/// The audit over the fixture hosts under fixtures/audit/: each host's JSON report equals its golden
/// expected-report.json (regenerate with UNCLOAK_UPDATE_GOLDEN=1 and review the diff), and the verdicts that
/// matter for each host are asserted by name so a golden file cannot quietly bless a wrong one.
/// </summary>
public sealed class AuditFixtureTests
{
    public static string FixturesDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "audit");

    public static TheoryData<string> Hosts() => [.. Directory.EnumerateDirectories(FixturesDirectory).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal)];

    private static AuditReport Audit(string host, AuditSelection? selection = null) =>
        Auditor.Run(new SnapshotReader(Path.Combine(FixturesDirectory, host)).Read(), selection ?? AuditSelection.All);

    private static CheckStatus StatusOf(AuditReport report, string id, string? subject = null) =>
        report.Results.Single(r => r.Id == id && r.Subject == subject).Status;

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Json_report_matches_the_golden_file(string host)
    {
        var writer = new StringWriter { NewLine = "\n" };
        AuditReportJson.Write(writer, Audit(host));
        string actual = writer.ToString();
        // The golden file lives in the source tree; the copy in the output directory is what the build copied.
        string golden = Path.Combine(FixturesDirectory, host, "expected-report.json");
        if (Environment.GetEnvironmentVariable("UNCLOAK_UPDATE_GOLDEN") == "1")
        {
            string source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "fixtures", "audit", host, "expected-report.json"));
            File.WriteAllText(source, actual);
            return;
        }
        Assert.True(File.Exists(golden), $"{golden} is missing: run the tests once with UNCLOAK_UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Report_is_deterministic(string host)
    {
        var a = new StringWriter();
        var b = new StringWriter();
        AuditReportJson.Write(a, Audit(host));
        AuditReportJson.Write(b, Audit(host));
        Assert.Equal(a.ToString(), b.ToString());
    }

    [Fact]
    public void Hardened_host_passes_everything()
    {
        var report = Audit("hardened");
        Assert.All(report.Results, r => Assert.Equal(CheckStatus.Pass, r.Status));
        Assert.Equal(100, report.Score);
        Assert.False(report.HasFailures);
        Assert.Equal(AuditChecks.All.Select(c => c.Id).ToHashSet(), report.Results.Select(r => r.Id).ToHashSet());
    }

    [Fact]
    public void Shaped_host_fails_only_the_shaper_checks_of_its_tiny_tbf()
    {
        var report = Audit("shaped");
        var notPassing = report.Results.Where(r => r.Status != CheckStatus.Pass).Select(r => (r.Id, r.Subject, r.Status)).ToList();
        Assert.Equal([("shaper.limits", "eno1 tbf 8001: root", CheckStatus.Fail), ("shaper.drops", "eno1 tbf 8001: root", CheckStatus.Fail)], notPassing);
        var limits = report.Results.Single(r => r.Id == "shaper.limits");
        Assert.Contains("burst 1000 B is smaller than one full frame (1514 B)", limits.Detail, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Fail, StatusOf(Audit("incident"), "nic.counters", "eth0"));
        Assert.Equal(CheckStatus.Warn, StatusOf(Audit("debian-default"), "nic.counters", "enp1s0"));
    }

    [Fact]
    public void Default_debian_host_warns_about_defaults_but_does_not_fail()
    {
        var report = Audit("debian-default");
        Assert.False(report.HasFailures);
        Assert.Equal(CheckStatus.Pass, StatusOf(report, "tcp.syncookies"));
        Assert.Equal(CheckStatus.Pass, StatusOf(report, "tcp.backlog"));               // tcp_max_syn_backlog 1024 < 4096, but cookies are on: not consulted
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "tcp.synack_retries"));
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "ipv4.accept_redirects"));
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "ipv4.accept_source_route")); // all=0 default=1: latent only
        Assert.Equal(CheckStatus.Pass, StatusOf(report, "ipv4.rp_filter", "enp1s0"));   // max(all=0, enp1s0=2) = 2
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "nic.flow_control", "enp1s0"));
        Assert.Equal(CheckStatus.Skip, StatusOf(report, "conntrack.max"));             // module not loaded
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "kernel.zero_window_message"));
        Assert.Equal(CheckStatus.Pass, StatusOf(report, "kernel.entropy"));
        Assert.InRange(report.Score, 50, 90);
    }

    [Fact]
    public void Incident_host_fails_on_everything_the_report_describes()
    {
        var report = Audit("incident");
        Assert.True(report.HasFailures);
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "tcp.syncookies"));
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "tcp.backlog"));
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "tcp.abort_on_overflow"));     // a trade-off: never a failure
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "nic.duplex", "eth0"));
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "nic.autoneg", "eth0"));
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "nic.speed", "eth0"));
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "nic.errors", "eth0"));
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "nic.flow_control", "eth0"));
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "nic.link_flaps", "eth0"));
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "listener.backlog", "0.0.0.0:80"));
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "listener.backlog", "0.0.0.0:443"));
        Assert.Equal(CheckStatus.Fail, StatusOf(report, "conntrack.max"));
        var conntrack = report.Results.Single(r => r.Id == "conntrack.max");
        Assert.Contains("drop=481 early_drop=65", conntrack.Observed);                  // summed over the per-CPU hex rows
        Assert.Contains("481 packets", conntrack.Detail);
        Assert.Equal(CheckStatus.Warn, StatusOf(report, "kernel.entropy"));             // 4.19: a low pool still blocks /dev/random
        var zeroWindow = report.Results.Single(r => r.Id == "kernel.zero_window_message");
        Assert.Contains("/sys/kernel/debug/dynamic_debug/control", zeroWindow.Fix!.Manual);
        Assert.Contains("unexpectedly shrunk window", zeroWindow.Detail);               // 4.19's wording, not 6.6's
        Assert.True(report.Score < 20, $"score {report.Score}");
    }

    [Fact]
    public void Incident_fixes_are_exact_sysctl_lines_and_ethtool_commands()
    {
        var report = Audit("incident");
        var sysctls = report.ProposedSysctls().Select(s => s.ToString()).ToList();
        Assert.Contains("net.ipv4.tcp_syncookies=1", sysctls);
        Assert.Contains("net.core.somaxconn=4096", sysctls);
        Assert.Contains("net.ipv4.tcp_max_syn_backlog=4096", sysctls);
        Assert.Contains("net.ipv4.tcp_abort_on_overflow=0", sysctls);
        Assert.Contains("net.ipv4.conf.all.rp_filter=1", sysctls);
        Assert.Contains("net.ipv4.conf.eth0.accept_redirects=0", sysctls);
        Assert.Contains("net.ipv4.tcp_mem=393216 524288 786432", sysctls); // the kernel's own sizing for 32 GiB
        Assert.Equal(sysctls.Count, sysctls.Select(s => s.Split('=')[0]).Distinct().Count());
        Assert.Equal(["ethtool -A eth0 autoneg off rx off tx off"], report.ProposedNicChanges().Select(n => n.Command));
    }

    [Fact]
    public void Only_and_skip_select_by_id_and_by_group()
    {
        var onlyNic = Audit("incident", new AuditSelection { Only = ["nic", "tcp.syncookies"] });
        Assert.All(onlyNic.Results, r => Assert.True(r.Id.StartsWith("nic.", StringComparison.Ordinal) || r.Id == "tcp.syncookies", r.Id));
        Assert.Contains(onlyNic.Results, r => r.Id == "nic.duplex");
        var skipped = Audit("incident", new AuditSelection { Skip = ["nic", "listener.backlog"] });
        Assert.DoesNotContain(skipped.Results, r => r.Id.StartsWith("nic.", StringComparison.Ordinal) || r.Id == "listener.backlog");
        Assert.Contains(skipped.Results, r => r.Id == "tcp.syncookies");
        Assert.Equal(["nope", "nic.nope"], new AuditSelection { Only = ["nope", "nic.nope", "tcp"] }.UnknownSelectors(AuditChecks.All));
    }

    [Fact]
    public void Silenced_findings_keep_their_reason_and_leave_the_score()
    {
        var plain = Audit("incident");
        var silenced = Audit("incident", new AuditSelection
        {
            Silences = [new AuditSilence("nic.flow_control", "eth0", "storage fabric designed around pause"), new AuditSilence("tcp.syncookies", null, "testing")],
        });
        var flow = silenced.Results.Single(r => r.Id == "nic.flow_control");
        Assert.Equal(CheckStatus.Silenced, flow.Status);
        Assert.Equal("storage fabric designed around pause", flow.SilencedBecause);
        Assert.Equal(CheckStatus.Silenced, silenced.Results.Single(r => r.Id == "tcp.syncookies").Status);
        Assert.True(silenced.Score > plain.Score);
        // A silence for another interface does not apply.
        var other = Audit("incident", new AuditSelection { Silences = [new AuditSilence("nic.flow_control", "eth9", "other port")] });
        Assert.Equal(CheckStatus.Warn, other.Results.Single(r => r.Id == "nic.flow_control").Status);
    }
}
