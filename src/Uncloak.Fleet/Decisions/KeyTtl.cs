using System.Globalization;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// Per-key TTL on the shared-bans bucket: nats-server 2.11 and later remove a message when the duration in its
/// <c>Nats-TTL</c> header has passed, if its stream allows it (<c>allow_msg_ttl</c>, which a KV bucket gets with limit
/// markers). A ban published with a TTL leaves the bucket by itself when it expires, even when the host that decided it
/// is gone for good and never deletes its key. It is an addition, never the enforcement: every receiver still turns the
/// value's expiry into its own nftables timeout, and Debian's 2.9 (no TTL; an unknown header would be kept, not obeyed)
/// gets plain puts. A stream without <c>allow_msg_ttl</c> rejects a put that carries the header, hence the two checks.
/// </summary>
public static class KeyTtl
{
    /// <summary>The header a publish carries its TTL in (ADR-43).</summary>
    public const string Header = "Nats-TTL";

    /// <summary>The first server version that honours <see cref="Header"/>.</summary>
    public static readonly Version Since = new(2, 11);

    /// <summary>
    /// A TTL beyond this is sent as <c>never</c>: the server reads the header as a Go duration, whose nanoseconds overflow
    /// past about 292 years.
    /// </summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(100 * 365);

    /// <summary>
    /// Whether a server reporting <paramref name="serverVersion"/> (the INFO <c>version</c>: <c>2.9.10</c>,
    /// <c>2.11.0-RC.2</c>, <c>v2.12.1</c>) honours per-message TTL. False for a version it cannot read: plain puts are
    /// always safe.
    /// </summary>
    public static bool ServerSupports(string? serverVersion)
        => TryParseVersion(serverVersion, out var v) && v >= Since;

    /// <summary>Whether puts should carry a TTL: the server honours it and the bucket's stream allows it.</summary>
    public static bool Usable(string? serverVersion, bool streamAllowsMsgTtl) => streamAllowsMsgTtl && ServerSupports(serverVersion);

    /// <summary>
    /// The header's value for a ban ending at <paramref name="expires"/>: whole seconds rounded up (the key must not leave
    /// the bucket before the ban ends, or a host joining in that second would miss it), at least 1 s (the server's
    /// smallest), <c>never</c> past <see cref="Longest"/>. Null when the ban has already ended: it is not put at all.
    /// </summary>
    public static string? For(DateTimeOffset expires, DateTimeOffset now)
    {
        var left = expires - now;
        if (left <= TimeSpan.Zero)
        {
            return null;
        }
        if (left > Longest)
        {
            return "never";
        }
        long seconds = Math.Max(1, (long)Math.Ceiling(left.TotalSeconds));
        return seconds.ToString(CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>Reads the leading <c>major.minor</c> of a server version; a 'v' prefix and any suffix (<c>-RC.2</c>, <c>+build</c>) are ignored.</summary>
    internal static bool TryParseVersion(string? text, out Version version)
    {
        version = new Version(0, 0);
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim().AsSpan();
        if (s.Length > 0 && (s[0] == 'v' || s[0] == 'V'))
        {
            s = s[1..];
        }
        int end = s.IndexOfAny(['-', '+', ' ']);
        if (end >= 0)
        {
            s = s[..end];
        }
        Span<Range> parts = stackalloc Range[4];
        int n = s.Split(parts, '.');
        if (n < 2 || n > 3
            || !int.TryParse(s[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
            || !int.TryParse(s[parts[1]], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            || (n == 3 && !int.TryParse(s[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return false;
        }
        version = new Version(major, minor);
        return true;
    }
}
