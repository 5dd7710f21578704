using System.Text.Json;
using System.Text.Json.Nodes;
using Uncloak.Core.Rulesets;
using Uncloak.Firewall.Nftables;

namespace Uncloak.Firewall.Policy;

/// <summary>
/// The policy objects loaded in the kernel right now (chain <c>guard</c>, its rules, the policy's sets),
/// as nftables listed them. Saved before an apply, so a rollback can put exactly this back.
/// </summary>
public sealed class LoadedPolicy
{
    // Re-created in this order: a rule can only refer to a set and a chain that already exist.
    private static readonly string[] CreationOrder = ["set", "chain", "rule"];

    private LoadedPolicy(JsonArray objects) => Objects = objects;

    /// <summary>Listing objects (<c>{"chain":…}</c>, <c>{"rule":…}</c>, <c>{"set":…}</c>), metainfo dropped.</summary>
    public JsonArray Objects { get; }

    public bool IsEmpty => Objects.Count == 0;

    public static LoadedPolicy Empty => new([]);

    public PolicyRuleset.Existing Existing => new(
        Objects.Any(o => o!.AsObject().ContainsKey("chain")),
        [.. Objects.Where(o => o!.AsObject().ContainsKey("set")).Select(o => o!["set"]!["name"]!.GetValue<string>())]);

    /// <summary>Rule comment → packets counted, for status.</summary>
    public IReadOnlyList<(string Id, long Packets, long Bytes)> Counters()
    {
        var list = new List<(string, long, long)>();
        foreach (var o in Objects)
        {
            if (o!["rule"] is not JsonObject rule || rule["comment"]?.GetValue<string>() is not { } comment || !comment.StartsWith(PolicyRuleset.CommentPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var e in rule["expr"]!.AsArray())
            {
                if (e!["counter"] is JsonObject c)
                {
                    list.Add((comment[PolicyRuleset.CommentPrefix.Length..], c["packets"]!.GetValue<long>(), c["bytes"]!.GetValue<long>()));
                }
            }
        }
        return list;
    }

    public static LoadedPolicy Read(INftables nft)
    {
        var objects = new JsonArray();
        foreach (var set in PolicyRuleset.Sets)
        {
            AddListed(nft.ListJson($"list set {BanSets.Family} {BanSets.Table} {set}"), objects);
        }
        AddListed(nft.ListJson($"list chain {BanSets.Family} {BanSets.Table} {PolicyRuleset.Chain}"), objects);
        return new LoadedPolicy(objects);
    }

    public static LoadedPolicy Parse(string json) => new(JsonNode.Parse(json)!.AsArray());

    public string ToJson() => Objects.ToJsonString();

    /// <summary>
    /// One transaction: remove <paramref name="current"/> policy objects, then re-create this saved state
    /// (sets with their static elements, the chain, its rules; counters start again at zero, meter sets empty).
    /// </summary>
    public byte[] RenderRestore(PolicyRuleset.Existing current)
        => PolicyRuleset.Document(w =>
        {
            PolicyRuleset.WriteRemoval(w, current);
            foreach (var kind in CreationOrder)
            {
                foreach (var o in Objects.Where(o => o!.AsObject().ContainsKey(kind)))
                {
                    var body = o![kind]!.DeepClone().AsObject();
                    body.Remove("handle");
                    if (kind == "set")
                    {
                        string name = body["name"]!.GetValue<string>();
                        if (name.StartsWith("ping", StringComparison.Ordinal) || name.StartsWith("conn", StringComparison.Ordinal))
                        {
                            body.Remove("elem"); // meter state: per-source counts, rebuilt by traffic
                        }
                        if (body["flags"] is JsonArray flags)
                        {
                            // The JSON parser refuses "dynamic" although the listing prints it; nft sets it again by itself.
                            var kept = flags.Select(f => f!.GetValue<string>()).Where(f => f != "dynamic").ToList();
                            body.Remove("flags");
                            if (kept.Count > 0)
                            {
                                body["flags"] = new JsonArray([.. kept.Select(f => (JsonNode)JsonValue.Create(f))]);
                            }
                        }
                    }
                    if (kind == "rule")
                    {
                        foreach (var e in body["expr"]!.AsArray())
                        {
                            if (e is JsonObject eo && eo.ContainsKey("counter"))
                            {
                                eo["counter"] = null;
                            }
                        }
                    }
                    w.WriteStartObject();
                    w.WriteStartObject("add");
                    w.WritePropertyName(kind);
                    body.WriteTo(w);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
            }
        });

    private static void AddListed(NftResult r, JsonArray objects)
    {
        if (!r.Ok)
        {
            return; // not loaded: nothing to save for it
        }
        foreach (var item in JsonNode.Parse(r.Output)!["nftables"]!.AsArray())
        {
            if (item is JsonObject o && !o.ContainsKey("metainfo"))
            {
                objects.Add(o.DeepClone());
            }
        }
    }
}
