using Uncloak.Cli.Commands.Watch;
using Uncloak.Config;
using Xunit;
using Uncloak.Core.Decisions;

namespace Uncloak.Core.Tests.Cli;

/// <summary>`uncloak watch` flags over /etc/uncloak/uncloak.yaml: a flag wins over the key it names, list flags add to the file's list, bad values are all reported at once.</summary>
public sealed class WatchOverridesTests
{
    private static readonly WatchConfig File = WatchConfigLoader.Load("uncloak.yaml", """
        firewall: iptables
        max_bans_per_minute: 5
        metrics: 127.0.0.1:9477
        allowlist: [10.0.0.0/8]
        sources: { journal: { kernel: false, units: [nginx.service] } }
        probes:
          - { name: site, http: "http://127.0.0.1/", interval: 5s, timeout: 1s }
        alerts: { webhook: "http://127.0.0.1:1/hook", per_minute: 3 }
        """);

    [Fact]
    public void Flags_override_the_files_keys_and_add_to_its_lists()
    {
        var config = WatchOverrides.Apply(File, new WatchOptions
        {
            Firewall = "nftables",
            MaxBansPerMinute = 50,
            Metrics = "127.0.0.1:9600",
            Allow = ["198.18.0.0/15", "2001:2::/48"],
            JournalUnits = ["sshd.service", "nginx.service"],
            Probes = ["https://198.18.0.1/health", "tcp://[2001:2::1]:443"],
            Webhook = "https://hooks.test.invalid/uncloak",
            Simulate = true,
        });
        Assert.Equal(FirewallBackend.Nftables, config.Firewall);
        Assert.Equal(50, config.MaxBansPerMinute);
        Assert.Equal("127.0.0.1:9600", config.Metrics);
        Assert.Equal(["10.0.0.0/8", "198.18.0.0/15", "2001:2::/48"], config.Allowlist);
        Assert.Equal(["nginx.service", "sshd.service"], config.JournalUnits);
        Assert.Equal(new Uri("https://hooks.test.invalid/uncloak"), config.Alerts.Webhook);
        Assert.Equal(3, config.Alerts.PerMinute); // the rest of the file's alerts section stays
        Assert.True(config.Simulate);
        Assert.Collection(config.Probes,
            p => Assert.Equal(("site", TimeSpan.FromSeconds(5)), (p.Name, p.Interval)),
            p => Assert.Equal(("https://198.18.0.1/health", new Uri("https://198.18.0.1/health"), 200, TimeSpan.FromSeconds(10)), (p.Name, p.Http!, p.ExpectStatus, p.Interval)),
            p => Assert.Equal(("[2001:2::1]:443", "[2001:2::1]:443", (Uri?)null), (p.Name, p.Tcp!, p.Http)));
    }

    [Fact]
    public void Without_flags_the_file_is_taken_as_it_is_and_off_turns_a_sink_off()
    {
        var same = WatchOverrides.Apply(File, new WatchOptions());
        Assert.Equal((File.Firewall, File.MaxBansPerMinute, File.Metrics, File.Alerts, File.Simulate, File.Kmsg, File.SignalsInterval),
            (same.Firewall, same.MaxBansPerMinute, same.Metrics, same.Alerts, same.Simulate, same.Kmsg, same.SignalsInterval));
        Assert.Equal(File.Allowlist, same.Allowlist);
        Assert.Equal(File.JournalUnits, same.JournalUnits);
        Assert.Equal(File.Probes, same.Probes);
        var off = WatchOverrides.Apply(File, new WatchOptions { Webhook = "off", Metrics = "off" });
        Assert.Null(off.Alerts.Webhook);
        Assert.Null(off.Metrics);
    }

    [Fact]
    public void Every_bad_flag_is_reported_at_once_by_its_name()
    {
        var e = Assert.Throws<ConfigException>(() => WatchOverrides.Apply(File, new WatchOptions
        {
            Probes = ["ftp://198.18.0.1/", "http://127.0.0.1/"],
            Allow = ["not-a-network"],
            Webhook = "mailto:admin@test.invalid",
            Firewall = "pf",
            MaxBansPerMinute = 0,
            Metrics = "localhost",
        }));
        Assert.Equal(["--metrics", "--probe", "--allow", "--webhook", "--firewall", "--max-bans-per-minute"], e.Errors.Select(x => x.File).Distinct());
        Assert.Contains(e.Errors, x => x.Message.Contains("'ftp://198.18.0.1/' is neither", StringComparison.Ordinal));
    }

    [Fact]
    public void The_watch_command_passes_its_flags_through_and_exits_2_listing_each_bad_one()
    {
        var dir = CliRun.TempDir();
        try
        {
            var config = Path.Combine(dir, "uncloak.yaml");
            System.IO.File.WriteAllText(config, "firewall: off\nsources: { kmsg: false, sockets: off }\nmetrics: off\n");
            var (exit, _, err) = CliRun.Run("watch", "--config", config, "--db", Path.Combine(dir, "u.db"),
                "--probe", "gopher://198.18.0.1/", "--allow", "300.1.2.3", "--firewall", "pf", "--max-bans-per-minute", "0");
            Assert.Equal(2, exit);
            Assert.Contains("--probe", err, StringComparison.Ordinal);
            Assert.Contains("'300.1.2.3' is not an address or network", err, StringComparison.Ordinal);
            Assert.Contains("'pf' is not auto, nftables, iptables or off", err, StringComparison.Ordinal);
            Assert.Contains("0 is outside 1..100000", err, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
