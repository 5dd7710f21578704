using Uncloak.Core.Decisions;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// A shared ban's key in the KV bucket: <c>&lt;host&gt;.&lt;target&gt;</c>, host first so that a server-side permission
/// on <c>$KV.&lt;bucket&gt;.&lt;host&gt;.&gt;</c> confines each agent to its own decisions. KV keys allow letters,
/// digits and <c>-/_=.</c>, so the target is spelled with '.' as '-' and ':' as '_' (<c>198-18-1-2</c>,
/// <c>2001_2_0_a1__/64</c>); the key then has exactly two tokens. A burst's chunk (<see cref="FleetChunk"/>) is
/// <c>&lt;host&gt;.bulk.&lt;id&gt;</c>: three tokens, so it is never taken for a target's key, and under the same host
/// prefix, so the same permission covers it.
/// </summary>
public static class FleetKey
{
    public static string For(string host, BanTarget target)
        => host + "." + target.ToString().Replace('.', '-').Replace(':', '_');

    /// <summary>The key filter matching every key <paramref name="host"/> writes.</summary>
    public static string HostFilter(string host) => host + ".>";

    /// <summary>The key of chunk <paramref name="id"/> of <paramref name="host"/>; the id is letters, digits and '-'.</summary>
    public static string Chunk(string host, string id) => host + ".bulk." + id;

    /// <summary>True for a key of the chunk form (<c>&lt;host&gt;.bulk.&lt;id&gt;</c>), with its host; false for any other key.</summary>
    public static bool TryParseChunk(string key, out string host)
    {
        var parts = key.Split('.');
        host = parts.Length == 3 && parts[1] == "bulk" && parts[2].Length is > 0 and <= 64 && parts[2].All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            && Config.FleetFilter.IsHostName(parts[0]) ? parts[0] : "";
        return host.Length > 0;
    }

    /// <summary>Splits a key; false for anything this format does not produce (malformed keys are counted, not fatal).</summary>
    public static bool TryParse(string key, out string host, out BanTarget target)
    {
        target = default;
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        host = dot > 0 ? key[..dot] : "";
        if (dot <= 0 || !Config.FleetFilter.IsHostName(host))
        {
            return false;
        }
        var text = key[(dot + 1)..];
        if (text.Contains('.', StringComparison.Ordinal) || !BanTarget.TryParse(text.Replace('-', '.').Replace('_', ':'), out target, 128))
        {
            return false;
        }
        return For(host, target) == key;
    }
}
