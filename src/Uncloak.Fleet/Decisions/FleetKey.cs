using Uncloak.Core.Decisions;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// A shared ban's key in the KV bucket: <c>&lt;host&gt;.&lt;target&gt;</c>, host first so that a server-side permission
/// on <c>$KV.&lt;bucket&gt;.&lt;host&gt;.&gt;</c> confines each agent to its own decisions. KV keys allow letters,
/// digits and <c>-/_=.</c>, so the target is spelled with '.' as '-' and ':' as '_' (<c>198-18-1-2</c>,
/// <c>2001_2_0_a1__/64</c>); the key then has exactly two tokens.
/// </summary>
public static class FleetKey
{
    public static string For(string host, BanTarget target)
        => host + "." + target.ToString().Replace('.', '-').Replace(':', '_');

    /// <summary>The key filter matching every key <paramref name="host"/> writes.</summary>
    public static string HostFilter(string host) => host + ".>";

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
