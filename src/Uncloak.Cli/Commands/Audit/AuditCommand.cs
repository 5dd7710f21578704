using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Config;
using Uncloak.Core.Audit;
using Uncloak.Linux.Audit;

namespace Uncloak.Cli.Commands.Audit;

/// <summary>`uncloak audit`: judge this host's kernel, capacity, NIC and listener settings against reasons, and fix what is approved.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var only = new Option<string[]>("--only")
        {
            Description = "Run only these checks: ids (tcp.syncookies) or whole groups (nic, tcp, ipv4). Repeat or list several.",
            HelpName = "ID",
            AllowMultipleArgumentsPerToken = true,
        };
        var skip = new Option<string[]>("--skip")
        {
            Description = "Leave these checks (ids or groups) out.",
            HelpName = "ID",
            AllowMultipleArgumentsPerToken = true,
        };
        var root = new Option<string>("--root")
        {
            Description = "Audit the tree under DIR instead of this host: DIR/proc/sys, DIR/proc/net, DIR/sys/class/net, DIR/ethtool/IF.json " +
                "(a chroot or a copied snapshot). --fix then writes DIR/proc/sys and DIR/etc/sysctl.d.",
            HelpName = "DIR",
            DefaultValueFactory = _ => "/",
        };
        var config = new Option<string?>("--config")
        {
            Description = "YAML file silencing checks, each with a reason (default: ROOT/etc/uncloak/audit.yaml if it exists). " +
                "Format: silence: [{id: nic.flow_control, subject: eth1, reason: \"storage fabric uses pause\"}].",
            HelpName = "FILE",
        };
        var fix = new Option<bool>("--fix")
        {
            Description = "Apply the sysctl fixes of the warnings and failures: asks for each on a terminal, writes them to " +
                "ROOT/etc/sysctl.d/60-uncloak.conf (the previous file is backed up), applies them live, reads them back and prints the undo command.",
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "With --fix: approve every proposed change without asking (for scripts)." };
        var nic = new Option<bool>("--nic")
        {
            Description = "With --fix: also change NIC settings (flow control off, autonegotiation on). Prints the equivalent ethtool " +
                "command before each; renegotiation drops the link for seconds. Never done without this flag.",
        };
        var list = new Option<bool>("--list") { Description = "List every check with its id, severity and expectation (with --json: and its reasoning), and exit." };
        var sample = new Option<int>("--sample")
        {
            Description = "Read the NIC, driver and qdisc counters twice, SECONDS apart, and judge CRC errors, collisions, ring overflows, timeouts and qdisc drops by whether they grow (a live fault) rather than by their totals since boot.",
            HelpName = "SECONDS",
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print the reasoning of checks that pass." };
        var command = new Command("audit",
            "Check this server's defences against misbehaving peers, with the reason for each and the exact fix: SYN cookies and " +
            "backlogs, reverse-path filtering, redirects and source routing, conntrack and TCP memory headroom, NIC duplex, speed, " +
            "autonegotiation, errors, flow control and link flaps, web listeners' backlogs, and whether the kernel can even print " +
            "the zero-window (\"treason\") message.\n\n" +
            "Exit codes: 0 no failures, 1 at least one failure (usable from CI or cron), 2 usage or configuration error, " +
            "3 environment error (a fix the kernel refused).\n\n" +
            "Examples:\n" +
            "  uncloak audit                          report for this host\n" +
            "  uncloak audit --only nic tcp.backlog   just the NIC checks and the backlog check\n" +
            "  uncloak audit --only nic --sample 60   are CRC errors and collisions growing right now?\n" +
            "  uncloak audit --only shaper --sample 60  is a qdisc dropping packets right now?\n" +
            "  uncloak audit --json | jq '.results[] | select(.status==\"fail\")'\n" +
            "  uncloak audit --fix                    apply approved sysctl fixes, persist them, verify, print the undo command\n" +
            "  uncloak audit --fix --yes --nic        approve everything, NIC settings included (scripts)\n" +
            "  uncloak audit --root /srv/snapshot     judge a tree copied from another host\n\n" +
            "Every check and its reasoning: docs/audit.md, or 'uncloak audit --list'.")
        {
            json, only, skip, root, config, fix, yes, nic, sample, list, verbose,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (result.GetValue(list))
            {
                AuditRenderer.RenderList(output, result.GetValue(json));
                return ExitCodes.Ok;
            }
            string rootDir = result.GetValue(root) ?? "/";
            if (!Directory.Exists(rootDir))
            {
                error.WriteLine($"uncloak audit: --root {rootDir}: no such directory.");
                return ExitCodes.UsageOrInput;
            }
            bool doFix = result.GetValue(fix);
            if (!doFix && (result.GetValue(yes) || result.GetValue(nic)))
            {
                error.WriteLine("uncloak audit: --yes and --nic only make sense with --fix.");
                return ExitCodes.UsageOrInput;
            }
            if (doFix && result.GetValue(json))
            {
                error.WriteLine("uncloak audit: --fix is a conversation; run 'uncloak audit --json' separately for the report.");
                return ExitCodes.UsageOrInput;
            }
            var silences = new List<AuditSilence>();
            string? configPath = result.GetValue(config) ?? DefaultConfig(rootDir);
            if (configPath is not null)
            {
                if (!File.Exists(configPath))
                {
                    error.WriteLine($"uncloak audit: --config {configPath}: no such file.");
                    return ExitCodes.UsageOrInput;
                }
                try
                {
                    silences.AddRange(AuditConfigLoader.LoadFile(configPath));
                }
                catch (ConfigException e)
                {
                    foreach (var problem in e.Errors)
                    {
                        error.WriteLine($"uncloak audit: {problem}");
                    }
                    return ExitCodes.UsageOrInput;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"uncloak audit: {configPath}: cannot read: {e.Message}");
                    return ExitCodes.UsageOrInput;
                }
            }
            var selection = new AuditSelection
            {
                Only = result.GetValue(only) ?? [],
                Skip = result.GetValue(skip) ?? [],
                Silences = silences,
            };
            var unknown = selection.UnknownSelectors(AuditChecks.All).ToList();
            if (unknown.Count > 0)
            {
                error.WriteLine($"uncloak audit: unknown check or group: {string.Join(", ", unknown)}. See 'uncloak audit --list'.");
                return ExitCodes.UsageOrInput;
            }
            int sampleSeconds = result.GetValue(sample);
            if (sampleSeconds is < 0 or > 3600)
            {
                error.WriteLine("uncloak audit: --sample takes 1–3600 seconds.");
                return ExitCodes.UsageOrInput;
            }
            var reader = new SnapshotReader(rootDir);
            SystemSnapshot snapshot;
            try
            {
                snapshot = reader.Read();
                if (sampleSeconds > 0)
                {
                    var started = TimeProvider.System.GetTimestamp();
                    Thread.Sleep(TimeSpan.FromSeconds(sampleSeconds));
                    snapshot = CounterGrowth.Between(snapshot, reader.Read(), TimeProvider.System.GetElapsedTime(started));
                }
            }
            catch (InvalidDataException ex)
            {
                error.WriteLine($"uncloak audit: malformed snapshot file {ex.Message}");
                return ExitCodes.UsageOrInput;
            }
            var report = Auditor.Run(snapshot, selection);
            if (result.GetValue(json))
            {
                AuditReportJson.Write(output, report);
                return report.HasFailures ? ExitCodes.Findings : ExitCodes.Ok;
            }
            AuditRenderer.Render(output, report, result.GetValue(verbose), fixing: doFix);
            if (!doFix)
            {
                return report.HasFailures ? ExitCodes.Findings : ExitCodes.Ok;
            }
            return AuditFix.Run(output, error, rootDir, report, selection, result.GetValue(yes), result.GetValue(nic));
        });
        return command;
    }

    private static string? DefaultConfig(string root)
    {
        var path = Path.Combine(Path.GetFullPath(root), "etc", "uncloak", "audit.yaml");
        return File.Exists(path) ? path : null;
    }
}
