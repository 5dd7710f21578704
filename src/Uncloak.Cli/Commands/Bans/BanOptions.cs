using System.CommandLine;
using Uncloak.Core.Decisions;
using Uncloak.Firewall;
using Uncloak.Firewall.Host;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>Options shared by the bans verbs, and opening the store and the firewall backend for them.</summary>
public sealed class BanOptions
{
    /// <summary>Read when present: one CIDR per line, '#' comments; management and monitoring hosts belong here.</summary>
    public const string DefaultAllowlistFile = "/etc/uncloak/allowlist";

    public Option<bool> Json { get; } = CommonOptions.Json();

    public Option<string?> Db { get; } = CommonOptions.Db();

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Decide and print what would happen; change neither the store nor the firewall (no root needed)." };

    public Option<string> Backend { get; } = new("--backend")
    {
        Description = "Firewall backend: auto (nftables if installed, else iptables+ipset), nftables, iptables.",
        DefaultValueFactory = _ => "auto",
        HelpName = "NAME",
    };

    public Option<string[]> Allow { get; } = new("--allow")
    {
        Description = $"Never ban inside this CIDR (repeatable), on top of {DefaultAllowlistFile} when it exists. Loopback, this host's own addresses, its default gateways and your SSH client (SSH_CONNECTION) are always protected.",
        HelpName = "CIDR",
    };

    public Option<int> V6Prefix { get; } = V6PrefixOption();

    /// <summary>Below /16 one ban would cover whole regional registries: a typo, not a decision.</summary>
    public const int MinV6Prefix = 16;

    private static Option<int> V6PrefixOption()
    {
        var option = new Option<int>("--v6-prefix")
        {
            Description = $"Aggregate a bare IPv6 address to this prefix, {MinV6Prefix}..128 (default 64: one customer usually holds a whole /64, and banning a single address of it is useless).",
            DefaultValueFactory = _ => BanTarget.DefaultV6Prefix,
            HelpName = "BITS",
        };
        // A parse error, so exit 2 with the reason (issue 17 item 9: 200 or -1 ended in an unhandled exception).
        option.Validators.Add(r =>
        {
            int bits = r.GetValueOrDefault<int>();
            if (bits is < MinV6Prefix or > 128)
            {
                r.AddError($"--v6-prefix {bits}: must be {MinV6Prefix}..128 (an IPv6 prefix length; 64 is one customer, 128 one address)");
            }
        });
        return option;
    }

    public void AddTo(Command command, bool kernel = true)
    {
        command.Add(Json);
        command.Add(Db);
        if (kernel)
        {
            command.Add(DryRun);
            command.Add(Backend);
        }
    }

    /// <summary>The allowlist from --allow and the allowlist file; every bad line is reported at once.</summary>
    public bool TryReadAllowlist(ParseResult result, TextWriter error, out List<BanTarget> allowlist)
    {
        allowlist = [];
        var errors = new List<string>();
        foreach (var text in result.GetValue(Allow) ?? [])
        {
            if (BanTarget.TryParse(text, out var t, 128))
            {
                allowlist.Add(t);
            }
            else
            {
                errors.Add($"--allow {text}: not an address or CIDR");
            }
        }
        if (File.Exists(DefaultAllowlistFile))
        {
            var (targets, bad) = TargetList.Parse(File.ReadLines(DefaultAllowlistFile), 128);
            allowlist.AddRange(targets);
            errors.AddRange(bad.Select(b => $"{DefaultAllowlistFile}:{b}"));
        }
        foreach (var e in errors)
        {
            error.WriteLine($"uncloak: {e}");
        }
        return errors.Count == 0;
    }

    /// <summary>
    /// Opens the store and, unless dry-running, the firewall backend. Returns an exit code other than
    /// <see cref="ExitCodes.Ok"/> (with the reason written to <paramref name="error"/>) when it cannot.
    /// </summary>
    public int Open(ParseResult result, string verb, TextWriter error, out SqliteStore? store, out IFirewallBackend? enforcer)
    {
        store = null;
        enforcer = null;
        bool dry = result.GetValue(DryRun);
        if (!dry && !Environment.IsPrivilegedProcess)
        {
            error.WriteLine($"uncloak bans {verb}: changing the firewall needs root (run it with sudo); --dry-run shows what would happen without it.");
            return ExitCodes.Environment;
        }
        try
        {
            store = SqliteStore.Open(result.GetValue(Db) ?? SqliteStore.DefaultPath());
        }
        catch (StoreException e)
        {
            error.WriteLine($"uncloak bans {verb}: {e.Message}");
            return ExitCodes.Environment;
        }
        if (dry)
        {
            return ExitCodes.Ok;
        }
        try
        {
            enforcer = FirewallBackends.Open(result.GetValue(Backend) ?? "auto");
            return ExitCodes.Ok;
        }
        catch (FirewallException e)
        {
            error.WriteLine($"uncloak bans {verb}: {e.Message}");
            store.Dispose();
            store = null;
            return ExitCodes.Environment;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"uncloak bans {verb}: {e.Message}");
            store.Dispose();
            store = null;
            return ExitCodes.UsageOrInput;
        }
    }

    public static SafetyContext Safety(List<BanTarget> allowlist) => HostFacts.Read(Uncloak.Linux.Sockets.HostAddresses.Read(), allowlist);
}
