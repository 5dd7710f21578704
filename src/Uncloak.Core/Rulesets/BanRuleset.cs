using System.Text.Json;
using Uncloak.Core.Decisions;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// Renders ban changes as one libnftables JSON transaction (<c>{"nftables":[…]}</c>). Written with
/// <see cref="Utf8JsonWriter"/> because a batch may hold 100,000 elements. Pure: the caller passes the time
/// that element timeouts are counted from.
/// </summary>
public static class BanRuleset
{
    /// <summary>One transaction: optionally (re)create the table, sets and chain, then delete and add elements.</summary>
    public static byte[] Render(bool withSkeleton, IReadOnlyCollection<BanTarget> delete, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + (add.Count + delete.Count) * 48);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("nftables");
            if (withSkeleton)
            {
                WriteSkeleton(w);
            }
            // Deleting an element the kernel does not hold fails the whole transaction, so each delete is
            // preceded by an add of the same element: "make sure it exists, then remove it" always succeeds.
            WriteElements(w, "add", delete.Select(t => (t, 1L)), withTimeout: true);
            WriteElements(w, "delete", delete.Select(t => (t, 0L)), withTimeout: false);
            WriteElements(w, "add", add.Select(e => (e.Target, e.TimeoutSeconds(now))), withTimeout: true);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Empties every ban set in one transaction (the table, chain and counters stay).</summary>
    public static byte[] RenderFlush()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("nftables");
            foreach (var set in BanSets.All)
            {
                w.WriteStartObject();
                w.WriteStartObject("flush");
                w.WriteStartObject("set");
                NftJson.Owner(w);
                w.WriteString("name", set);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The table, the four sets and the <c>bans</c> chain with one counting drop rule per set. Idempotent:
    /// <c>add</c> of an existing table, set or chain is a no-op, and the chain is flushed before its rules are
    /// added, so running it twice leaves one copy. Other chains and sets of the table are untouched.
    /// </summary>
    public static void WriteSkeleton(Utf8JsonWriter w)
    {
        NftJson.Command(w, "add", "table", () => { w.WriteString("family", BanSets.Family); w.WriteString("name", BanSets.Table); });
        foreach (var set in BanSets.All)
        {
            NftJson.Command(w, "add", "set", () =>
            {
                NftJson.Owner(w);
                w.WriteString("name", set);
                w.WriteString("type", BanSets.IsV4(set) ? "ipv4_addr" : "ipv6_addr");
                w.WriteStartArray("flags");
                if (BanSets.IsInterval(set))
                {
                    w.WriteStringValue("interval");
                }
                w.WriteStringValue("timeout");
                w.WriteEndArray();
            });
        }
        NftJson.Command(w, "add", "chain", () =>
        {
            NftJson.Owner(w);
            w.WriteString("name", BanSets.Chain);
            w.WriteString("type", "filter");
            w.WriteString("hook", "prerouting");
            w.WriteNumber("prio", BanSets.Priority);
            w.WriteString("policy", "accept");
        });
        NftJson.Command(w, "flush", "chain", () => { NftJson.Owner(w); w.WriteString("name", BanSets.Chain); });
        foreach (var set in BanSets.All)
        {
            NftJson.Command(w, "add", "rule", () =>
            {
                NftJson.Owner(w);
                w.WriteString("chain", BanSets.Chain);
                w.WriteStartArray("expr");
                w.WriteStartObject();
                w.WriteStartObject("match");
                w.WriteString("op", "==");
                w.WriteStartObject("left");
                w.WriteStartObject("payload");
                w.WriteString("protocol", BanSets.IsV4(set) ? "ip" : "ip6");
                w.WriteString("field", "saddr");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteString("right", "@" + set);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteStartObject();
                w.WriteNull("counter");
                w.WriteEndObject();
                w.WriteStartObject();
                w.WriteNull("drop");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("comment", "uncloak " + set);
            });
        }
    }

    private static void WriteElements(Utf8JsonWriter w, string verb, IEnumerable<(BanTarget Target, long Timeout)> elements, bool withTimeout)
    {
        foreach (var group in elements.GroupBy(e => BanSets.For(e.Target)).OrderBy(g => BanSets.All.ToList().IndexOf(g.Key)))
        {
            NftJson.Command(w, verb, "element", () =>
            {
                NftJson.Owner(w);
                w.WriteString("name", group.Key);
                w.WriteStartArray("elem");
                foreach (var (target, timeout) in group)
                {
                    if (withTimeout)
                    {
                        w.WriteStartObject();
                        w.WriteStartObject("elem");
                        w.WritePropertyName("val");
                        WriteValue(w, target);
                        w.WriteNumber("timeout", timeout);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                    else
                    {
                        WriteValue(w, target);
                    }
                }
                w.WriteEndArray();
            });
        }
    }

    private static void WriteValue(Utf8JsonWriter w, BanTarget target)
    {
        if (target.IsHost)
        {
            w.WriteStringValue(target.Network.ToString());
            return;
        }
        w.WriteStartObject();
        w.WriteStartObject("prefix");
        w.WriteString("addr", target.Network.ToString());
        w.WriteNumber("len", target.PrefixLength);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
