using System.Text.Json;
using Uncloak.Core.Decisions;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// Renders a <see cref="FirewallPolicy"/> as one libnftables JSON transaction. The transaction first removes
/// the policy objects that exist now (named by the caller, who listed them), then creates the new ones, so
/// applying is atomic: the kernel switches from the old policy to the new one in one commit, or not at all.
/// Ban sets and the <c>bans</c> chain in the same table are never touched. Every rule carries a counter and a
/// comment <c>uncloak guard: ID</c> so <c>firewall status</c> can show what each rule caught.
/// </summary>
public static class PolicyRuleset
{
    public const string Chain = "guard";
    public const int Priority = -150;
    public const string CommentPrefix = "uncloak guard: ";

    /// <summary>Every set the policy may own; anything else in the table is not the policy's.</summary>
    public static IReadOnlyList<string> Sets { get; } = ["mgmt4", "mgmt6", "bogon4", "bogon6", "ping4", "ping6", "conn4", "conn6"];

    public const string WhyNoSynRateLimit =
        "No SYN rate limit, on purpose. A SYN flood's sources are spoofed, so a per-source limit never matches the attacker, " +
        "and a global limit drops your real clients' SYNs together with the flood: it completes the attacker's job (the " +
        "incident's \"SYN rate limit DOS'ed right away\"). The kernel's answer is SYN cookies (net.ipv4.tcp_syncookies=1): " +
        "when the backlog fills, the server keeps no state per SYN and every real client still gets in.";

    /// <summary>The objects currently loaded that the transaction must remove first.</summary>
    public sealed record Existing(bool Chain, IReadOnlyList<string> Sets)
    {
        public static Existing None { get; } = new(false, []);
    }

    /// <summary>The rule ids in the order they are rendered (for status and tests).</summary>
    public static IReadOnlyList<string> RuleIds(FirewallPolicy policy)
    {
        var ids = new List<string> { "loopback" };
        if (policy.Management.Any(m => m.IsV4))
        {
            ids.Add("management4");
        }
        if (policy.Management.Any(m => !m.IsV4))
        {
            ids.Add("management6");
        }
        ids.AddRange(["syn-fin", "syn-rst", "null-scan", "xmas-scan", "fin-no-ack", "ct-invalid"]);
        if (policy.PublicInterface is not null && policy.Bogons.Any(b => b.IsV4))
        {
            ids.Add("bogon4");
        }
        if (policy.PublicInterface is not null && policy.Bogons.Any(b => !b.IsV4))
        {
            ids.Add("bogon6");
        }
        ids.AddRange(["echo-size4", "echo-rate4", "echo-size6", "echo-rate6"]);
        for (int i = 0; i < policy.ConnectionLimits.Count; i++)
        {
            ids.Add($"conn-limit4-{i}");
            ids.Add($"conn-limit6-{i}");
        }
        return ids;
    }

    /// <summary>Removes <paramref name="existing"/>, then creates the policy: one transaction.</summary>
    public static byte[] Render(FirewallPolicy policy, Existing existing)
        => Document(w =>
        {
            WriteRemoval(w, existing);
            WritePolicy(w, policy);
        });

    /// <summary>Removes <paramref name="existing"/> and creates nothing: the table returns to bans only.</summary>
    public static byte[] RenderRemoval(Existing existing) => Document(w => WriteRemoval(w, existing));

    /// <summary>Writes a <c>{"nftables":[…]}</c> document whose commands come from <paramref name="body"/>.</summary>
    public static byte[] Document(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("nftables");
            body(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The table is added (a no-op when present); the chain is flushed before it is deleted (a chain with rules cannot be deleted), then the sets its rules referenced.</summary>
    public static void WriteRemoval(Utf8JsonWriter w, Existing existing)
    {
        NftJson.Command(w, "add", "table", () => { w.WriteString("family", BanSets.Family); w.WriteString("name", BanSets.Table); });
        if (existing.Chain)
        {
            NftJson.Command(w, "flush", "chain", () => { NftJson.Owner(w); w.WriteString("name", Chain); });
            NftJson.Command(w, "delete", "chain", () => { NftJson.Owner(w); w.WriteString("name", Chain); });
        }
        foreach (var set in existing.Sets)
        {
            NftJson.Command(w, "delete", "set", () => { NftJson.Owner(w); w.WriteString("name", set); });
        }
    }

    private static void WritePolicy(Utf8JsonWriter w, FirewallPolicy policy)
    {
        var mgmt4 = policy.Management.Where(m => m.IsV4).ToList();
        var mgmt6 = policy.Management.Where(m => !m.IsV4).ToList();
        var bogon4 = policy.PublicInterface is null ? [] : policy.Bogons.Where(b => b.IsV4).ToList();
        var bogon6 = policy.PublicInterface is null ? [] : policy.Bogons.Where(b => !b.IsV4).ToList();
        StaticSet(w, "mgmt4", mgmt4);
        StaticSet(w, "mgmt6", mgmt6);
        StaticSet(w, "bogon4", bogon4);
        StaticSet(w, "bogon6", bogon6);
        MeterSet(w, "ping4", v4: true, timeoutSeconds: 60);
        MeterSet(w, "ping6", v4: false, timeoutSeconds: 60);
        if (policy.ConnectionLimits.Count > 0)
        {
            MeterSet(w, "conn4", v4: true, timeoutSeconds: 0);
            MeterSet(w, "conn6", v4: false, timeoutSeconds: 0);
        }

        NftJson.Command(w, "add", "chain", () =>
        {
            NftJson.Owner(w);
            w.WriteString("name", Chain);
            w.WriteString("type", "filter");
            w.WriteString("hook", "prerouting");
            w.WriteNumber("prio", Priority);
            w.WriteString("policy", "accept");
        });

        Rule(w, "loopback", "accept", () => Match(w, "==", () => Meta(w, "iifname"), () => w.WriteStringValue("lo")));
        if (mgmt4.Count > 0)
        {
            Rule(w, "management4", "accept", () => Match(w, "==", () => Payload(w, "ip", "saddr"), () => w.WriteStringValue("@mgmt4")));
        }
        if (mgmt6.Count > 0)
        {
            Rule(w, "management6", "accept", () => Match(w, "==", () => Payload(w, "ip6", "saddr"), () => w.WriteStringValue("@mgmt6")));
        }
        // Impossible flag combinations, before ct state invalid so their own counters show them.
        FlagRule(w, "syn-fin", ["fin", "syn"], ["fin", "syn"]);
        FlagRule(w, "syn-rst", ["syn", "rst"], ["syn", "rst"]);
        FlagRule(w, "null-scan", ["fin", "syn", "rst", "psh", "ack", "urg"], []);
        FlagRule(w, "xmas-scan", ["fin", "psh", "urg"], ["fin", "psh", "urg"]);
        FlagRule(w, "fin-no-ack", ["fin", "ack"], ["fin"]); // last: XMAS and SYN+FIN are FIN without ACK too, counted by their own rules first
        Rule(w, "ct-invalid", "drop", () => Match(w, "in", () => Ct(w, "state"), () => w.WriteStringValue("invalid")));
        if (bogon4.Count > 0)
        {
            Rule(w, "bogon4", "drop", () =>
            {
                Match(w, "==", () => Meta(w, "iifname"), () => w.WriteStringValue(policy.PublicInterface));
                Match(w, "==", () => Payload(w, "ip", "saddr"), () => w.WriteStringValue("@bogon4"));
            });
        }
        if (bogon6.Count > 0)
        {
            Rule(w, "bogon6", "drop", () =>
            {
                Match(w, "==", () => Meta(w, "iifname"), () => w.WriteStringValue(policy.PublicInterface));
                Match(w, "==", () => Payload(w, "ip6", "saddr"), () => w.WriteStringValue("@bogon6"));
            });
        }
        foreach (var (v4, proto, type, set) in new[] { (true, "icmp", "echo-request", "ping4"), (false, "icmpv6", "echo-request", "ping6") })
        {
            string suffix = v4 ? "4" : "6";
            Rule(w, "echo-size" + suffix, "drop", () =>
            {
                Match(w, "==", () => Payload(w, proto, "type"), () => w.WriteStringValue(type));
                Match(w, ">", () => Meta(w, "length"), () => w.WriteNumberValue(policy.EchoMaxBytes));
            });
            Rule(w, "echo-rate" + suffix, "drop", () =>
            {
                Match(w, "==", () => Payload(w, proto, "type"), () => w.WriteStringValue(type));
                SetStatement(w, "update", v4, set, () =>
                {
                    w.WriteStartObject();
                    w.WriteStartObject("limit");
                    w.WriteNumber("rate", policy.EchoPerSecond);
                    w.WriteNumber("burst", policy.EchoPerSecond * 2);
                    w.WriteString("per", "second");
                    w.WriteBoolean("inv", true);
                    w.WriteEndObject();
                    w.WriteEndObject();
                });
            });
        }
        for (int i = 0; i < policy.ConnectionLimits.Count; i++)
        {
            var limit = policy.ConnectionLimits[i];
            foreach (bool v4 in new[] { true, false })
            {
                Rule(w, $"conn-limit{(v4 ? 4 : 6)}-{i}", "drop", () =>
                {
                    Match(w, "==", () => Meta(w, "nfproto"), () => w.WriteStringValue(v4 ? "ipv4" : "ipv6"));
                    Match(w, "==", () => Payload(w, "tcp", "dport"), () =>
                    {
                        w.WriteStartObject();
                        w.WriteStartArray("set");
                        foreach (var p in limit.Ports)
                        {
                            w.WriteNumberValue(p);
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    });
                    Match(w, "in", () => Ct(w, "state"), () => w.WriteStringValue("new"));
                    SetStatement(w, "add", v4, v4 ? "conn4" : "conn6", () =>
                    {
                        w.WriteStartObject();
                        w.WriteStartObject("ct count");
                        w.WriteNumber("val", limit.PerSource);
                        w.WriteBoolean("inv", true);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    });
                });
            }
        }
    }

    private static void FlagRule(Utf8JsonWriter w, string id, string[] mask, string[] value)
        => Rule(w, id, "drop", () => Match(w, "==",
            () =>
            {
                w.WriteStartObject();
                w.WriteStartArray("&");
                Payload(w, "tcp", "flags");
                Strings(w, mask);
                w.WriteEndArray();
                w.WriteEndObject();
            },
            () =>
            {
                if (value.Length == 0)
                {
                    w.WriteNumberValue(0);
                }
                else
                {
                    Strings(w, value);
                }
            }));

    private static void StaticSet(Utf8JsonWriter w, string name, List<BanTarget> elements)
    {
        NftJson.Command(w, "add", "set", () =>
        {
            NftJson.Owner(w);
            w.WriteString("name", name);
            w.WriteString("type", name.EndsWith('4') ? "ipv4_addr" : "ipv6_addr");
            w.WriteStartArray("flags");
            w.WriteStringValue("interval");
            w.WriteEndArray();
        });
        if (elements.Count == 0)
        {
            return;
        }
        NftJson.Command(w, "add", "element", () =>
        {
            NftJson.Owner(w);
            w.WriteString("name", name);
            w.WriteStartArray("elem");
            foreach (var e in elements.Order())
            {
                w.WriteStartObject();
                w.WriteStartObject("prefix");
                w.WriteString("addr", e.Network.ToString());
                w.WriteNumber("len", e.PrefixLength);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static void MeterSet(Utf8JsonWriter w, string name, bool v4, int timeoutSeconds)
        => NftJson.Command(w, "add", "set", () =>
        {
            NftJson.Owner(w);
            w.WriteString("name", name);
            w.WriteString("type", v4 ? "ipv4_addr" : "ipv6_addr");
            w.WriteNumber("size", 65535);
            // No "dynamic" flag: libnftables' JSON parser rejects it; nft marks a set updated from the packet path itself.
            if (timeoutSeconds > 0)
            {
                w.WriteStartArray("flags");
                w.WriteStringValue("timeout");
                w.WriteEndArray();
                w.WriteNumber("timeout", timeoutSeconds);
            }
        });

    private static void SetStatement(Utf8JsonWriter w, string op, bool v4, string set, Action stmt)
    {
        w.WriteStartObject();
        w.WriteStartObject("set");
        w.WriteString("op", op);
        w.WritePropertyName("elem");
        Payload(w, v4 ? "ip" : "ip6", "saddr");
        w.WriteString("set", "@" + set);
        w.WriteStartArray("stmt");
        stmt();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Rule(Utf8JsonWriter w, string id, string verdict, Action matches)
        => NftJson.Command(w, "add", "rule", () =>
        {
            NftJson.Owner(w);
            w.WriteString("chain", Chain);
            w.WriteStartArray("expr");
            matches();
            w.WriteStartObject();
            w.WriteNull("counter");
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteNull(verdict);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("comment", CommentPrefix + id);
        });

    private static void Match(Utf8JsonWriter w, string op, Action left, Action right)
    {
        w.WriteStartObject();
        w.WriteStartObject("match");
        w.WriteString("op", op);
        w.WritePropertyName("left");
        left();
        w.WritePropertyName("right");
        right();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Payload(Utf8JsonWriter w, string protocol, string field)
    {
        w.WriteStartObject();
        w.WriteStartObject("payload");
        w.WriteString("protocol", protocol);
        w.WriteString("field", field);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Meta(Utf8JsonWriter w, string key)
    {
        w.WriteStartObject();
        w.WriteStartObject("meta");
        w.WriteString("key", key);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Ct(Utf8JsonWriter w, string key)
    {
        w.WriteStartObject();
        w.WriteStartObject("ct");
        w.WriteString("key", key);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter w, string[] values)
    {
        w.WriteStartArray();
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
