using Uncloak.Config;
using System.Text.Json;
using Uncloak.Cli;
using Uncloak.Cli.Commands.Audit;
using Xunit;

namespace Uncloak.Core.Tests.Audit;

/// <summary>`uncloak audit` end to end over fixture trees: exit codes, JSON, selection, config, and --fix on a copied tree.</summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("uncloak-audit-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Fixture(string host) => Path.Combine(AuditFixtureTests.FixturesDirectory, host);

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await UncloakCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string CopyOf(string host)
    {
        var dest = Path.Combine(_temp, host);
        foreach (var file in Directory.EnumerateFiles(Fixture(host), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dest, Path.GetRelativePath(Fixture(host), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return dest;
    }

    [Fact]
    public async Task Exit_code_is_1_when_anything_fails_and_0_otherwise()
    {
        Assert.Equal(ExitCodes.Findings, (await Run("audit", "--root", Fixture("incident"))).Exit);
        Assert.Equal(ExitCodes.Ok, (await Run("audit", "--root", Fixture("debian-default"))).Exit);
        Assert.Equal(ExitCodes.Ok, (await Run("audit", "--root", Fixture("hardened"))).Exit);
    }

    [Fact]
    public async Task Human_report_groups_findings_with_why_and_fix()
    {
        var (_, output, _) = await Run("audit", "--root", Fixture("incident"));
        Assert.Contains("NIC and link", output);
        Assert.Contains("FAIL nic.duplex [eth0]", output);
        Assert.Contains("why: Half duplex means", output);
        Assert.Contains("fix: sysctl -w net.ipv4.tcp_syncookies=1", output);
        Assert.Contains("fix: ethtool -A eth0 autoneg off rx off tx off", output);
        Assert.Matches(@"Score \d+/100: 9 fail", output); // nic.counters joins nic.errors on the CRC errors of eth0
    }

    [Fact]
    public async Task Json_is_parseable_and_honours_only()
    {
        var (exit, output, _) = await Run("audit", "--root", Fixture("incident"), "--json", "--only", "tcp.syncookies", "nic.duplex");
        Assert.Equal(ExitCodes.Findings, exit);
        using var doc = JsonDocument.Parse(output);
        var ids = doc.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(["tcp.syncookies", "nic.duplex"], ids);
    }

    [Fact]
    public async Task List_names_every_check()
    {
        var (exit, output, _) = await Run("audit", "--list", "--json");
        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(Core.Audit.AuditChecks.All.Select(c => c.Id).Order(), doc.RootElement.GetProperty("checks").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Order());
        var (_, table, _) = await Run("audit", "--list");
        Assert.All(Core.Audit.AuditChecks.All, c => Assert.Contains(c.Id, table));
    }

    [Fact]
    public async Task A_malformed_snapshot_file_is_an_input_error_naming_the_file()
    {
        var root = CopyOf("incident");
        File.WriteAllText(Path.Combine(root, "sock_diag", "listeners.json"), "[{\"address\": \"0.0.0.0\", \"port\": 80}]"); // no backlog
        var (exit, _, err) = await Run("audit", "--root", root);
        Assert.Equal(ExitCodes.UsageOrInput, exit);
        Assert.Contains("listeners.json", err);
        File.Delete(Path.Combine(root, "sock_diag", "listeners.json"));
        File.WriteAllText(Path.Combine(root, "ethtool", "eth0.json"), "{ not json");
        (exit, _, err) = await Run("audit", "--root", root);
        Assert.Equal(ExitCodes.UsageOrInput, exit);
        Assert.Contains("eth0.json", err);
    }

    [Fact]
    public async Task Unknown_check_ids_are_usage_errors()
    {
        var (exit, _, err) = await Run("audit", "--root", Fixture("hardened"), "--skip", "tcp.nonsense");
        Assert.Equal(ExitCodes.UsageOrInput, exit);
        Assert.Contains("tcp.nonsense", err);
    }

    [Fact]
    public async Task Config_file_silences_with_a_reason_and_changes_the_exit_code()
    {
        var root = CopyOf("debian-default");
        var config = Path.Combine(_temp, "audit.yaml");
        // Silence every warning on the default host except one, then check that the silenced ones say why.
        File.WriteAllText(config, "silence:\n  - id: nic.flow_control\n    subject: enp1s0\n    reason: storage fabric uses pause frames\n");
        var (exit, output, _) = await Run("audit", "--root", root, "--config", config, "--json");
        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        var flow = doc.RootElement.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "nic.flow_control");
        Assert.Equal("silenced", flow.GetProperty("status").GetString());
        Assert.Equal("storage fabric uses pause frames", flow.GetProperty("silenced_because").GetString());
    }

    [Fact]
    public async Task Default_config_is_read_from_the_root()
    {
        var root = CopyOf("incident");
        Directory.CreateDirectory(Path.Combine(root, "etc", "uncloak"));
        File.WriteAllText(Path.Combine(root, "etc", "uncloak", "audit.yaml"), "silence:\n  - id: tcp.syncookies\n    reason: lab host\n");
        var (_, output, _) = await Run("audit", "--root", root, "--only", "tcp.syncookies");
        Assert.Contains("SLNC tcp.syncookies", output);
        Assert.Contains("silenced: lab host", output);
    }

    [Fact]
    public void Config_errors_carry_file_and_line_and_are_all_reported()
    {
        var config = Path.Combine(_temp, "bad.yaml");
        File.WriteAllText(config, "silence:\n  - id: tcp.syncookies\n  - id: no.such_check\n    reason: x\n    colour: blue\nextra: 1\n");
        var thrown = Assert.Throws<ConfigException>(() => AuditConfigLoader.LoadFile(config));
        var errors = thrown.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith($"{config}:2:5: ", StringComparison.Ordinal) && e.Contains("needs a reason"));
        Assert.Contains(errors, e => e.StartsWith($"{config}:3:5: ", StringComparison.Ordinal) && e.Contains("unknown check id 'no.such_check'"));
        Assert.Contains(errors, e => e.StartsWith($"{config}:5:5: ", StringComparison.Ordinal) && e.Contains("unknown key 'colour'"));
        Assert.Contains(errors, e => e.StartsWith($"{config}:6:1: ", StringComparison.Ordinal) && e.Contains("unknown key 'extra'"));
    }

    [Fact]
    public void A_valid_config_gives_its_silences_and_a_wrong_shape_is_located()
    {
        var silences = AuditConfigLoader.Load("a.yaml", "silence:\n  - id: tcp.syncookies\n    subject: eth1\n    reason: lab host\n");
        var silence = Assert.Single(silences);
        Assert.Equal(("tcp.syncookies", "eth1", "lab host"), (silence.Id, silence.Subject, silence.Reason));

        var thrown = Assert.Throws<ConfigException>(() => AuditConfigLoader.Load("b.yaml", "silence: tcp.syncookies\n"));
        Assert.Equal("b.yaml:1:10: 'silence' must be a list", Assert.Single(thrown.Errors).ToString());
    }

    [Fact]
    public void Kernel_config_is_read_from_proc_config_gz_or_boot()
    {
        var root = CopyOf("incident");
        File.Delete(Path.Combine(root, "sys/kernel/debug/dynamic_debug/control"));
        Directory.CreateDirectory(Path.Combine(root, "boot"));
        File.WriteAllText(Path.Combine(root, "boot/config-4.19.0-25-amd64"), "CONFIG_PRINTK=y\nCONFIG_DYNAMIC_DEBUG=y\n");
        var dd = new Linux.Audit.SnapshotReader(root).Read().DynamicDebug;
        Assert.False(dd.Available);
        Assert.True(dd.Built);
        Assert.Equal("/boot/config-4.19.0-25-amd64", dd.ConfigSource);
        // /proc/config.gz wins over /boot.
        using (var gz = new System.IO.Compression.GZipStream(File.Create(Path.Combine(root, "proc/config.gz")), System.IO.Compression.CompressionLevel.Fastest))
        {
            gz.Write("# CONFIG_DYNAMIC_DEBUG is not set\n"u8);
        }
        var fromGz = new Linux.Audit.SnapshotReader(root).Read().DynamicDebug;
        Assert.False(fromGz.Built);
        Assert.Equal("/proc/config.gz", fromGz.ConfigSource);
    }

    [Fact]
    public async Task Fix_refuses_without_yes_when_not_on_a_terminal()
    {
        var root = CopyOf("incident");
        var (exit, _, err) = await Run("audit", "--root", root, "--fix");
        Assert.Equal(ExitCodes.UsageOrInput, exit);
        Assert.Contains("--yes", err);
        Assert.False(File.Exists(Path.Combine(root, "etc", "sysctl.d", "60-uncloak.conf")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(root, "proc/sys/net/ipv4/tcp_syncookies")).Trim());
    }

    [Fact]
    public async Task Fix_yes_persists_applies_verifies_and_prints_the_undo()
    {
        var root = CopyOf("incident");
        var conf = Path.Combine(root, "etc", "sysctl.d", "60-uncloak.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(conf)!);
        File.WriteAllText(conf, "# older run\nnet.ipv4.tcp_syncookies = 0\nnet.core.rmem_max = 1048576\n");
        var (exit, output, err) = await Run("audit", "--root", root, "--fix", "--yes");
        Assert.True(exit == ExitCodes.Findings, $"exit {exit}: {err}"); // NIC and listener failures remain: no sysctl fixes those
        Assert.Equal("1", File.ReadAllText(Path.Combine(root, "proc/sys/net/ipv4/tcp_syncookies")).Trim());
        Assert.Equal("0", File.ReadAllText(Path.Combine(root, "proc/sys/net/ipv4/conf/eth0/accept_redirects")).Trim());
        Assert.Equal("393216 524288 786432", File.ReadAllText(Path.Combine(root, "proc/sys/net/ipv4/tcp_mem")).Trim());
        var lines = File.ReadAllLines(conf);
        Assert.Contains("net.ipv4.tcp_syncookies = 1", lines);                 // updated in place
        Assert.DoesNotContain("net.ipv4.tcp_syncookies = 0", lines);
        Assert.Contains("net.core.rmem_max = 1048576", lines);                 // unrelated line kept
        Assert.Contains("net.core.somaxconn = 4096", lines);                   // appended
        var backup = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(conf)!, "60-uncloak.conf.*.bak"));
        Assert.Contains("net.ipv4.tcp_syncookies = 0", File.ReadAllText(backup));
        Assert.Contains("ok      net.ipv4.tcp_syncookies = 1 (was 0)", output);
        Assert.Contains($"Undo: sysctl -w 'net.ipv4.tcp_syncookies=0'", output);
        Assert.Contains($"cp -p '{backup}' '{conf}'", output);
        Assert.Contains("NIC changes proposed but not made (pass --nic to make them):", output);
        Assert.Contains("ethtool -A eth0 autoneg off rx off tx off", output);
        // The re-audit sees the applied values.
        var (_, after, _) = await Run("audit", "--root", root, "--json", "--only", "tcp.syncookies", "tcp.backlog", "ipv4.accept_redirects");
        using var doc = JsonDocument.Parse(after);
        Assert.All(doc.RootElement.GetProperty("results").EnumerateArray(), r => Assert.Equal("pass", r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Fix_changes_nothing_live_when_the_file_cannot_be_written()
    {
        var root = CopyOf("incident");
        File.WriteAllText(Path.Combine(root, "etc"), "not a directory"); // stands for a read-only /etc or a non-root user
        var (exit, _, err) = await Run("audit", "--root", root, "--fix", "--yes", "--only", "tcp.syncookies");
        Assert.Equal(ExitCodes.Environment, exit);
        Assert.Contains("Nothing was changed", err);
        Assert.Equal("0", File.ReadAllText(Path.Combine(root, "proc/sys/net/ipv4/tcp_syncookies")).Trim());
    }

    [Fact]
    public async Task Fix_warns_about_later_sysctl_files_that_would_undo_it_at_boot()
    {
        var root = CopyOf("incident");
        Directory.CreateDirectory(Path.Combine(root, "etc", "sysctl.d"));
        File.WriteAllText(Path.Combine(root, "etc", "sysctl.conf"), "# copied from a tuning guide\nnet.ipv4.tcp_syncookies=0\nnet.core.somaxconn = 4096\n");
        File.CreateSymbolicLink(Path.Combine(root, "etc", "sysctl.d", "99-sysctl.conf"), "../sysctl.conf");
        File.WriteAllText(Path.Combine(root, "etc", "sysctl.d", "10-early.conf"), "net.ipv4.tcp_syncookies = 0\n"); // sorts before 60: harmless
        var (_, output, _) = await Run("audit", "--root", root, "--fix", "--yes", "--only", "tcp.syncookies", "tcp.backlog");
        var warnings = output.Split('\n').Where(l => l.StartsWith("WARNING: at boot", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings); // one line, though reachable twice (link and target); somaxconn agrees; 10-early loses
        Assert.Contains("sysctl.conf:2 sets net.ipv4.tcp_syncookies = 0", warning);
    }

    [Fact]
    public async Task Fix_reports_a_key_the_kernel_refuses_and_exits_3()
    {
        var root = CopyOf("incident");
        // A key whose file cannot be written stands for a value the kernel refuses (EINVAL/EPERM/ENOENT). tcp.orphans proposes
        // tcp_orphan_retries without reading it, so the check still runs and the write is what fails.
        var refused = Path.Combine(root, "proc/sys/net/ipv4/tcp_orphan_retries");
        File.Delete(refused);
        Directory.CreateDirectory(refused);
        var (exit, output, _) = await Run("audit", "--root", root, "--fix", "--yes", "--only", "tcp.orphans", "tcp.backlog");
        Assert.Equal(ExitCodes.Environment, exit);
        Assert.Contains("FAILED  net.ipv4.tcp_orphan_retries = 3", output);
        Assert.Contains("ok      net.core.somaxconn = 4096 (was 1024)", output);
        Assert.Contains("ok      net.ipv4.tcp_fin_timeout = 30 (was 60)", output);
        // The refused key is not left in the file for boot to retry; the applied ones are.
        var conf = File.ReadAllLines(Path.Combine(root, "etc", "sysctl.d", "60-uncloak.conf"));
        Assert.DoesNotContain(conf, l => l.Contains("tcp_orphan_retries", StringComparison.Ordinal));
        Assert.Contains("net.ipv4.tcp_fin_timeout = 30", conf);
    }
}
