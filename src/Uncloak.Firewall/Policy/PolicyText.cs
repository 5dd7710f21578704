using System.Text;
using System.Text.RegularExpressions;
using Uncloak.Core.Rulesets;
using Uncloak.Linux.Namespaces;
using Uncloak.Firewall.Nftables;

namespace Uncloak.Firewall.Policy;

/// <summary>
/// nft's own text of a policy, for plans and diffs. The planned text is produced by loading the rendered
/// JSON into a private, empty network namespace (unshare on a dedicated thread that dies afterwards), so
/// what the admin reads is what nftables itself will print, and the real ruleset is never touched.
/// Counter values and meter contents are removed so a diff shows only real changes.
/// </summary>
public static partial class PolicyText
{
    /// <summary>The policy objects loaded in the caller's namespace, as nft prints them (empty when none).</summary>
    public static string Loaded(INftables nft)
    {
        var sb = new StringBuilder();
        foreach (var set in PolicyRuleset.Sets)
        {
            Append(sb, nft.ListText($"list set {BanSets.Family} {BanSets.Table} {set}"));
        }
        Append(sb, nft.ListText($"list chain {BanSets.Family} {BanSets.Table} {PolicyRuleset.Chain}"));
        return Normalize(sb.ToString());
    }

    /// <summary>
    /// Loads <paramref name="rulesetJson"/> into a throw-away namespace and returns nft's text of it.
    /// Throws <see cref="FirewallException"/> when the kernel rejects the ruleset (the plan would fail to apply)
    /// or the namespace cannot be made (not root).
    /// </summary>
    public static string Planned(byte[] rulesetJson)
    {
        try
        {
            return NetNamespace.RunInNew(() =>
            {
                using var nft = NftablesClient.OpenInProcess() ?? throw new FirewallException("rendering a plan needs libnftables.so.1 (package libnftables1)");
                var r = nft.RunJson(rulesetJson);
                if (!r.Ok)
                {
                    throw new FirewallException($"nftables rejects the planned ruleset: {r.Error.Trim()}");
                }
                return Loaded(nft);
            });
        }
        catch (IOException e)
        {
            throw new FirewallException($"cannot create a scratch network namespace to render the plan ({e.Message}; needs root)", e);
        }
    }

    /// <summary>Counter values to "counter", meter (ping*, conn*) elements dropped, table wrappers merged.</summary>
    public static string Normalize(string text)
    {
        text = CounterValues().Replace(text, "counter");
        var lines = new List<string>();
        bool inMeter = false, skippingElements = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.StartsWith("table ", StringComparison.Ordinal) || line == "}")
            {
                continue;
            }
            var trimmed = line.Trim();
            if (trimmed.StartsWith("set ", StringComparison.Ordinal))
            {
                var name = trimmed[4..].TrimEnd('{', ' ');
                inMeter = name.StartsWith("ping", StringComparison.Ordinal) || name.StartsWith("conn", StringComparison.Ordinal);
            }
            if (inMeter && trimmed.StartsWith("elements = {", StringComparison.Ordinal))
            {
                skippingElements = true;
            }
            if (skippingElements)
            {
                if (trimmed.EndsWith('}'))
                {
                    skippingElements = false;
                }
                continue;
            }
            lines.Add(line.Replace("\t", "  "));
        }
        return string.Join('\n', lines) + (lines.Count > 0 ? "\n" : "");
    }

    private static void Append(StringBuilder sb, NftResult r)
    {
        if (r.Ok)
        {
            sb.Append(r.Output).Append('\n');
        }
    }

    [GeneratedRegex(@"counter packets \d+ bytes \d+")]
    private static partial Regex CounterValues();
}
