using System.Buffers;
using System.Buffers.Text;
using Uncloak.Core.Decisions;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// Renders ban changes as one nftables script in nft's own syntax, the batch <c>nft -f</c> reads and libnftables'
/// <c>nft_run_cmd_from_buffer</c> runs as one transaction. It replaces the JSON batch Uncloak sent before:
/// libnftables parses this syntax with its bison grammar straight into its element list, while a JSON batch goes
/// through jansson's object tree first: at 100,000 elements that tree was most of the gap between a ban import and
/// a raw <c>nft -f</c> (issue 17). Written as UTF-8 bytes with no string per element (IPv4; an IPv6 address formats
/// through <see cref="System.Net.IPAddress"/>). Pure: the caller passes the time element timeouts count from.
/// </summary>
public static class BanScript
{
    /// <summary>One transaction: optionally (re)create the table, sets and chain, then delete and add elements.</summary>
    public static byte[] Render(bool withSkeleton, IReadOnlyCollection<BanTarget> delete, IReadOnlyCollection<BanElement> add, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(delete);
        ArgumentNullException.ThrowIfNull(add);
        // Sized once for the longest IPv4 host form ("255.255.255.255 timeout 604800s, " is 34 bytes): at 100,000
        // elements a growing buffer copied and faulted in megabytes again just before the kernel call.
        var w = new ArrayBufferWriter<byte>(1024 + (add.Count + (2 * delete.Count)) * 40);
        if (withSkeleton)
        {
            WriteSkeleton(w);
        }
        // Deleting an element the kernel does not hold fails the whole transaction, so each delete is preceded by an
        // add of the same element with a one-second timeout: "make sure it exists, then remove it" always succeeds.
        // One command per set, in the sets' fixed order (the JSON renderer's order, so both batches read alike); each
        // set is a pass over the elements, so nothing is grouped into lists first.
        for (int set = 0; set < BanSets.All.Count; set++)
        {
            WriteTargets(w, "add", set, delete, timeout: 1);
        }
        for (int set = 0; set < BanSets.All.Count; set++)
        {
            WriteTargets(w, "delete", set, delete, timeout: null);
        }
        for (int set = 0; set < BanSets.All.Count; set++)
        {
            bool open = false;
            foreach (var e in add)
            {
                if (SetIndex(e.Target) == set)
                {
                    Separate(w, "add", set, ref open);
                    WriteTarget(w, e.Target);
                    WriteTimeout(w, e.TimeoutSeconds(now));
                }
            }
            Close(w, open);
        }
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Empties every ban set in one transaction (the table, chain and counters stay).</summary>
    public static byte[] RenderFlush()
    {
        var w = new ArrayBufferWriter<byte>(256);
        foreach (var set in BanSets.All)
        {
            Write(w, $"flush set {BanSets.Family} {BanSets.Table} {set}\n");
        }
        return w.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The table, the four sets and the <c>bans</c> chain with one counting drop rule per set. Idempotent: <c>add</c>
    /// of an existing table, set or chain is a no-op, and the chain is flushed before its rules are added, so running it
    /// twice leaves one copy. Other chains and sets of the table are untouched.
    /// </summary>
    private static void WriteSkeleton(ArrayBufferWriter<byte> w)
    {
        string owner = $"{BanSets.Family} {BanSets.Table}";
        Write(w, $"add table {owner}\n");
        foreach (var set in BanSets.All)
        {
            string type = BanSets.IsV4(set) ? "ipv4_addr" : "ipv6_addr";
            string flags = BanSets.IsInterval(set) ? "interval, timeout" : "timeout";
            Write(w, $"add set {owner} {set} {{ type {type}; flags {flags}; }}\n");
        }
        // Invariant: a culture could write the negative priority with another minus sign, which nft would refuse.
        Write(w, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"add chain {owner} {BanSets.Chain} {{ type filter hook prerouting priority {BanSets.Priority}; policy accept; }}\n"));
        Write(w, $"flush chain {owner} {BanSets.Chain}\n");
        foreach (var set in BanSets.All)
        {
            string protocol = BanSets.IsV4(set) ? "ip" : "ip6";
            Write(w, $"add rule {owner} {BanSets.Chain} {protocol} saddr @{set} counter drop comment \"uncloak {set}\"\n");
        }
    }

    private static void WriteTargets(ArrayBufferWriter<byte> w, string verb, int set, IReadOnlyCollection<BanTarget> targets, long? timeout)
    {
        bool open = false;
        foreach (var t in targets)
        {
            if (SetIndex(t) == set)
            {
                Separate(w, verb, set, ref open);
                WriteTarget(w, t);
                if (timeout is { } seconds)
                {
                    WriteTimeout(w, seconds);
                }
            }
        }
        Close(w, open);
    }

    /// <summary>Before an element: the command's head for the set's first element, a comma before the others.</summary>
    private static void Separate(ArrayBufferWriter<byte> w, string verb, int set, ref bool open)
    {
        if (open)
        {
            Write(w, ", "u8);
            return;
        }
        Write(w, $"{verb} element {BanSets.Family} {BanSets.Table} {BanSets.All[set]} {{ ");
        open = true;
    }

    private static void Close(ArrayBufferWriter<byte> w, bool open)
    {
        if (open)
        {
            Write(w, " }\n"u8);
        }
    }

    private static void WriteTimeout(ArrayBufferWriter<byte> w, long seconds)
    {
        Write(w, " timeout "u8);
        WriteNumber(w, seconds);
        Write(w, "s"u8);
    }

    /// <summary>The index in <see cref="BanSets.All"/> of the set <paramref name="target"/> belongs to.</summary>
    private static int SetIndex(BanTarget target) => (target.IsV4, target.IsHost) switch
    {
        (true, true) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (false, false) => 3,
    };

    private static void WriteTarget(ArrayBufferWriter<byte> w, BanTarget target)
    {
        if (target.IsV4)
        {
            uint v4 = target.Network.V4;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                WriteNumber(w, (v4 >> shift) & 0xFF);
                if (shift > 0)
                {
                    Write(w, "."u8);
                }
            }
        }
        else
        {
            var span = w.GetSpan(64);
            // 45 bytes is the longest IPv6 text form; 64 always fits, so formatting cannot fail.
            target.Network.ToIPAddress().TryFormat(span, out int written);
            w.Advance(written);
        }
        if (!target.IsHost)
        {
            Write(w, "/"u8);
            WriteNumber(w, target.PrefixLength);
        }
    }

    private static void WriteNumber(ArrayBufferWriter<byte> w, long value)
    {
        var span = w.GetSpan(20);
        // 20 bytes hold any long: formatting cannot fail.
        Utf8Formatter.TryFormat(value, span, out int written);
        w.Advance(written);
    }

    private static void Write(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> utf8) => w.Write(utf8);

    private static void Write(ArrayBufferWriter<byte> w, string text)
    {
        var span = w.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        w.Advance(System.Text.Encoding.UTF8.GetBytes(text, span));
    }
}
