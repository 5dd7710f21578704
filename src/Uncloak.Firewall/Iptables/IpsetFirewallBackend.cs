using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;
using Uncloak.Linux.Processes;

namespace Uncloak.Firewall.Iptables;

/// <summary>
/// Bans for hosts without nftables: ipsets <c>uncloak-ban4</c>, <c>uncloak-ban6</c> (hash:ip) and
/// <c>uncloak-ban4net</c>, <c>uncloak-ban6net</c> (hash:net), all with timeouts, matched by chain
/// <c>uncloak-bans</c> in the raw table (iptables and ip6tables), jumped to first from PREROUTING.
/// A batch is one <c>ipset restore</c>: one process for any number of elements, though ipset applies it
/// line by line rather than as a kernel transaction. ipset timeouts stop at 2,147,483 s (about 24.8 days);
/// longer bans are set to that and restored by the next reconciliation.
/// </summary>
public sealed partial class IpsetFirewallBackend : IFirewallBackend
{
    public const string Chain = "uncloak-bans";
    private const long MaxTimeout = 2_147_483;
    private readonly string _ipset;
    private readonly string _iptables;
    private readonly string _ip6tables;
    private readonly string _iptablesSave;
    private readonly string _ip6tablesSave;

    private IpsetFirewallBackend(string ipset, string iptables, string ip6tables, string iptablesSave, string ip6tablesSave)
    {
        _ipset = ipset;
        _iptables = iptables;
        _ip6tables = ip6tables;
        _iptablesSave = iptablesSave;
        _ip6tablesSave = ip6tablesSave;
    }

    /// <summary>The backend, or null when ipset or iptables is not installed.</summary>
    public static IpsetFirewallBackend? TryCreate()
    {
        string? ipset = Tool.Locate("ipset"), ipt = Tool.Locate("iptables"), ip6t = Tool.Locate("ip6tables");
        string? save = Tool.Locate("iptables-save"), save6 = Tool.Locate("ip6tables-save");
        return ipset is null || ipt is null || ip6t is null || save is null || save6 is null ? null : new IpsetFirewallBackend(ipset, ipt, ip6t, save, save6);
    }

    public string Name => "iptables+ipset";

    public static string SetName(string set) => "uncloak-" + set;

    public bool IsInstalled()
    {
        foreach (var set in BanSets.All)
        {
            if (!Tool.Run(_ipset, ["-n", "list", SetName(set)]).Ok)
            {
                return false;
            }
        }
        return RuleCount(_iptablesSave) == 2 && RuleCount(_ip6tablesSave) == 2 &&
               Tool.Run(_iptables, ["-t", "raw", "-C", "PREROUTING", "-j", Chain]).Ok &&
               Tool.Run(_ip6tables, ["-t", "raw", "-C", "PREROUTING", "-j", Chain]).Ok;
    }

    public void Apply(IReadOnlyCollection<BanTarget> remove, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        if (!IsInstalled())
        {
            Install();
        }
        Restore(remove, add, now);
    }

    public Dictionary<BanTarget, DateTimeOffset> ReadElements(DateTimeOffset now)
    {
        var elements = new Dictionary<BanTarget, DateTimeOffset>();
        foreach (var set in BanSets.All)
        {
            var r = Tool.Run(_ipset, ["save", SetName(set)]);
            if (!r.Ok)
            {
                continue;
            }
            foreach (var line in r.Output.Split('\n'))
            {
                var m = AddLine().Match(line);
                if (m.Success && BanTarget.TryParse(m.Groups[1].Value, out var target, 128))
                {
                    var expires = m.Groups[2].Success
                        ? now.AddSeconds(long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
                        : DateTimeOffset.MaxValue;
                    elements[target] = expires;
                }
            }
        }
        return elements;
    }

    public ReconcileResult Reconcile(IReadOnlyDictionary<BanTarget, DateTimeOffset> desired, DateTimeOffset now)
    {
        bool installed = IsInstalled();
        if (!installed)
        {
            Install();
        }
        var current = ReadElements(now);
        // Expiries beyond ipset's limit read back short; compare against what ipset can hold.
        var clamped = desired.ToDictionary(kv => kv.Key, kv => kv.Value > now.AddSeconds(MaxTimeout) ? now.AddSeconds(MaxTimeout) : kv.Value);
        var (add, delete) = BanSetPlan.Diff(current, clamped, TimeSpan.FromSeconds(5));
        Restore(delete, add, now);
        return ReconcileResult.Of(installed, current, clamped, add, delete);
    }

    public void Flush()
    {
        foreach (var set in BanSets.All)
        {
            Tool.Run(_ipset, ["flush", SetName(set)]); // absent set: nothing to flush
        }
    }

    public IReadOnlyList<SetCounter> Counters()
    {
        var sizes = ReadElements(DateTimeOffset.UnixEpoch).Keys.GroupBy(BanSets.For).ToDictionary(g => g.Key, g => g.Count());
        var counters = new List<SetCounter>();
        foreach (var save in new[] { _iptablesSave, _ip6tablesSave })
        {
            foreach (Match m in CounterLine().Matches(Tool.Run(save, ["-c", "-t", "raw"]).Output))
            {
                string set = m.Groups[3].Value["uncloak-".Length..];
                counters.Add(new SetCounter(set, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), sizes.GetValueOrDefault(set)));
            }
        }
        return counters;
    }

    private void Install()
    {
        foreach (var set in BanSets.All)
        {
            string type = BanSets.IsInterval(set) ? "hash:net" : "hash:ip";
            string family = BanSets.IsV4(set) ? "inet" : "inet6";
            Check(Tool.Run(_ipset, ["create", SetName(set), type, "family", family, "timeout", "0", "maxelem", "1048576", "-exist"]), "create ipset " + SetName(set));
        }
        foreach (var (tool, sets) in new[] { (_iptables, new[] { "ban4", "ban4net" }), (_ip6tables, new[] { "ban6", "ban6net" }) })
        {
            if (!Tool.Run(tool, ["-t", "raw", "-n", "-L", Chain]).Ok)
            {
                Check(Tool.Run(tool, ["-t", "raw", "-N", Chain]), "create chain " + Chain);
            }
            Check(Tool.Run(tool, ["-t", "raw", "-F", Chain]), "flush chain " + Chain);
            foreach (var set in sets)
            {
                Check(Tool.Run(tool, ["-t", "raw", "-A", Chain, "-m", "set", "--match-set", SetName(set), "src", "-m", "comment", "--comment", "uncloak " + set, "-j", "DROP"]), "add rule for " + set);
            }
            if (!Tool.Run(tool, ["-t", "raw", "-C", "PREROUTING", "-j", Chain]).Ok)
            {
                Check(Tool.Run(tool, ["-t", "raw", "-I", "PREROUTING", "1", "-j", Chain]), "jump to " + Chain);
            }
        }
    }

    private void Restore(IReadOnlyCollection<BanTarget> delete, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        if (delete.Count == 0 && add.Count == 0)
        {
            return;
        }
        var sb = new StringBuilder((delete.Count + add.Count) * 48);
        foreach (var t in delete)
        {
            sb.Append("del ").Append(SetName(BanSets.For(t))).Append(' ').Append(t.Network).Append(t.IsHost ? "" : "/" + t.PrefixLength.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        foreach (var e in add)
        {
            var t = e.Target;
            long timeout = Math.Min(MaxTimeout, e.TimeoutSeconds(now));
            sb.Append("add ").Append(SetName(BanSets.For(t))).Append(' ').Append(t.Network).Append(t.IsHost ? "" : "/" + t.PrefixLength.ToString(CultureInfo.InvariantCulture))
              .Append(" timeout ").Append(timeout.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        Check(Tool.Run(_ipset, ["-exist", "restore"], Encoding.ASCII.GetBytes(sb.ToString())), "restore ipset elements");
    }

    private static int RuleCount(string save)
        => Tool.Run(save, ["-t", "raw"]).Output.Split('\n').Count(l => l.StartsWith("-A " + Chain + " ", StringComparison.Ordinal) && l.Contains("uncloak ban", StringComparison.Ordinal));

    private static void Check(CommandResult r, string what)
    {
        if (!r.Ok)
        {
            throw new FirewallException($"iptables/ipset failed to {what}: {r.Error.Trim()}");
        }
    }

    public void Dispose()
    {
        // Nothing held: every call runs its own process.
    }

    /// <summary><c>add uncloak-ban4 198.18.0.5 timeout 3599</c> from <c>ipset save</c>.</summary>
    [GeneratedRegex(@"^add uncloak-ban\S+ (\S+)(?: timeout (\d+))?")]
    private static partial Regex AddLine();

    /// <summary><c>[12:720] -A uncloak-bans -m set --match-set uncloak-ban4 src …</c> from <c>iptables-save -c</c>.</summary>
    [GeneratedRegex(@"^\[(\d+):(\d+)\] -A uncloak-bans -m set --match-set (uncloak-ban\S+) src", RegexOptions.Multiline)]
    private static partial Regex CounterLine();
}
